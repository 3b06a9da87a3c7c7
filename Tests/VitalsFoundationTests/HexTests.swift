import Foundation
import Testing
import VitalsFoundation

@Suite struct HexTests {
    /// The same text as printf's `%02x` per byte, for every byte value and for a digest-sized run.
    @Test func everyByteIsTwoLowercaseDigitsAsPrintfWritesThem() {
        let all = (0...255).map { UInt8($0) }
        #expect(lowercaseHex(all) == all.map { String(format: "%02x", $0) }.joined())
        #expect(lowercaseHex([0x0A, 0xFF]) == "0aff")
        #expect(lowercaseHex([UInt8]()) == "")
        #expect(lowercaseHex([UInt8](repeating: 0, count: 32)).count == 64)
    }
}
