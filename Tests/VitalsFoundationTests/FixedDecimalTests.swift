import Foundation
import Testing
import VitalsFoundation

/// `fixedDecimal` writes what `String(format:)` writes for `%.Nf` and `%+.Nf`, ties and
/// signs included: the score files' bytes must not change with the faster path.
@Suite struct FixedDecimalTests {
    @Test func sameTextAsStringFormat() {
        var random = SplitMix64(seed: 20)
        var values: [Double] = [0, -0.0, 0.005, 0.015, 0.125, 0.375, -0.125, 2.675, 1.005, 49606, 4337.855, -7.2391, 1e15, 123456789.125,
                                .ulpOfOne, 5e-324, 0.995, 9.995, -9.995]
        for _ in 0..<20_000 {
            let scale = pow(10, Double(Int(random.next() % 10)) - 3)
            values.append((Double(random.next() % 2_000_001) / 1000 - 1000) * scale)
        }
        for x in values {
            for decimals in [0, 1, 2, 3] {
                #expect(fixedDecimal(x, decimals: decimals) == String(format: "%.\(decimals)f", x), "\(x) to \(decimals)")
                #expect(fixedDecimal(x, decimals: decimals, sign: true) == String(format: "%+.\(decimals)f", x), "\(x) to \(decimals), signed")
            }
        }
    }

    @Test func nonFiniteValuesAsPrintfWritesThem() {
        for x in [Double.infinity, -.infinity, .nan] {
            #expect(fixedDecimal(x, decimals: 2) == String(format: "%.2f", x))
        }
    }
}
