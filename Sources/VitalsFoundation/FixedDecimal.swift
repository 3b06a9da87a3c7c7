#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CFixedDecimal

/// A number with a fixed count of decimals, as C's printf writes it (`%.2f`, `%+.2f`): the
/// digits of the double's exact value, rounded by the C library, so the text is the one
/// `String(format:)` gives, at a fraction of its cost (it goes through CFString on Linux; the
/// score files write three such numbers per row).
///
/// - Parameters:
///   - decimals: 0…17.
///   - sign: write `+` before a positive number (and zero), as `%+f` does.
public func fixedDecimal(_ x: Double, decimals: Int, sign: Bool = false) -> String {
    precondition((0...17).contains(decimals), "0 to 17 decimals")
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 360) { buffer in
        let n = vitals_fixed_decimal(buffer.baseAddress!, buffer.count, x, Int32(decimals), sign ? 1 : 0)
        precondition(n >= 0 && n < buffer.count, "a double printed with at most 17 decimals fits 360 bytes")
        return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(n)), as: UTF8.self)
    }
}
