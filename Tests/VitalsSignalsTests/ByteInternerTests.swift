import Testing
@testable import VitalsSignals
import VitalsFoundation

/// `ByteInterner` against a `Dictionary` over the same keys, in the orders its shortcuts guess
/// (the same id again, the next one, a few ahead) and in orders they do not.
@Suite struct ByteInternerTests {
    /// Ids of several lengths: under, at and over the eight bytes compared at a time, keys that
    /// differ only in their last byte, and the empty key.
    static let keys: [String] = {
        var keys = (1...300).map { String(format: "A%06d", $0) }
        keys += ["", "x", "ABCDEFGH", "ABCDEFGI", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOQ", "ABCDEFGHIJKLMNOPQ", "ünïcödé-id"]
        keys += (1...40).map { "customer-\($0)-of-a-longer-export" }
        return keys
    }()

    func interned() -> (ByteInterner, [String: Int32]) {
        var interner = ByteInterner(capacity: 4)
        var reference: [String: Int32] = [:]
        for key in Self.keys {
            let (code, isNew) = Array(key.utf8).withUnsafeBufferPointer { interner.intern($0) }
            #expect(isNew)
            reference[key] = code
        }
        return (interner, reference)
    }

    func lookUp(_ interner: inout ByteInterner, _ key: String) -> Int32? {
        Array(key.utf8).withUnsafeBufferPointer { interner.code(of: $0) }
    }

    @Test func everyOrderFindsTheCodeItWasGiven() {
        let (fresh, reference) = interned()
        var random = SplitMix64(seed: 7)
        let n = Self.keys.count
        let orders: [(String, [Int])] = [
            ("in code order", Array(0..<n)),
            ("each twice", (0..<n).flatMap { [$0, $0] }),
            ("every second", Array(stride(from: 0, to: n, by: 2))),
            ("skips of up to 9", { var o: [Int] = [], k = 0; while k < n { o.append(k); k += 1 + Int(random.next() % 9) }; return o }()),
            ("backwards", Array((0..<n).reversed())),
            ("random", (0..<2_000).map { _ in Int(random.next() % UInt64(n)) }),
        ]
        for (name, order) in orders {
            var interner = fresh
            for k in order {
                let key = Self.keys[k]
                #expect(lookUp(&interner, key) == reference[key], "\(name): \(key)")
            }
        }
    }

    @Test func keysNeverInternedAreNotFound() {
        var (interner, _) = interned()
        // Right after a hit, so the guesses (same, next, a few ahead) are tried first and fail.
        for probe in ["A000301", "A00000", "A0000011", "ABCDEFGJ", "ABCDEFGHIJKLMNOR", "customer-41-of-a-longer-export", "A000001 "] {
            _ = lookUp(&interner, "A000005")
            #expect(lookUp(&interner, probe) == nil, "\(probe)")
        }
    }

    @Test func theEmptyKeyIsAKeyLikeAnyOther() {
        var (interner, reference) = interned()
        _ = lookUp(&interner, "A000300")
        #expect(lookUp(&interner, "") == reference[""])
        #expect(lookUp(&interner, "x") == reference["x"])
        #expect(interner.string(reference["ünïcödé-id"]!) == "ünïcödé-id")
    }
}
