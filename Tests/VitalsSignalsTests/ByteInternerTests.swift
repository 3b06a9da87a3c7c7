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

    /// Ids in ascending order (an export sorted by its id) are not hashed until a lookup needs
    /// it; while they stay sorted a lookup a little ahead gallops. Every order of lookups, and
    /// every kind of absent key (before the first, between two, after the last, far ahead),
    /// agrees with a `Dictionary`, before and after an out-of-order key ends the sorted run.
    @Test func sortedKeysAgreeWithADictionaryInEveryOrder() {
        let sorted = (0..<5_000).map { String(format: "A%07d", $0 * 3) }
        var interner = ByteInterner(capacity: 4)
        var reference: [String: Int32] = [:]
        for key in sorted {
            let (code, isNew) = Array(key.utf8).withUnsafeBufferPointer { interner.intern($0) }
            #expect(isNew)
            reference[key] = code
        }
        #expect(interner.isSorted)
        let unindexed = interner
        // Interning a key again, the last or an earlier one, finds it.
        for key in [sorted.last!, sorted[0], sorted[2_500]] {
            let (code, isNew) = Array(key.utf8).withUnsafeBufferPointer { interner.intern($0) }
            #expect(!isNew && code == reference[key], "\(key)")
        }
        var random = SplitMix64(seed: 3)
        let n = sorted.count
        let orders: [(String, [Int])] = [
            ("in code order", Array(0..<n)),
            ("skips of up to 40", { var o: [Int] = [], k = 0; while k < n { o.append(k); k += 1 + Int(random.next() % 40) }; return o }()),
            ("skips of up to 400", { var o: [Int] = [], k = 0; while k < n { o.append(k); k += 1 + Int(random.next() % 400) }; return o }()),
            ("backwards", Array((0..<n).reversed())),
            ("random", (0..<3_000).map { _ in Int(random.next() % UInt64(n)) }),
        ]
        // Absent: between two keys (ids not multiples of 3), before the first, after the last, longer, shorter.
        let absent = ["A0000001", "A0000002", "A0007501", "A0014998", "A", "", "A000000", "A00000000", "A9999999", "B", " A0000003"]
        for (name, order) in orders {
            for pass in 0..<2 {
                var copy = unindexed
                if pass == 1 { copy.buildIndex() }
                for (j, k) in order.enumerated() {
                    let key = sorted[k]
                    #expect(lookUp(&copy, key) == reference[key], "\(name), pass \(pass): \(key)")
                    let probe = absent[j % absent.count]
                    _ = lookUp(&copy, key)
                    #expect(lookUp(&copy, probe) == nil, "\(name), pass \(pass): \(probe) after \(key)")
                }
            }
        }
        // An out-of-order key ends the sorted run; the codes stay as given.
        let late = Array("A0000004".utf8).withUnsafeBufferPointer { interner.intern($0) }
        #expect(late.isNew && late.code == Int32(n))
        #expect(!interner.isSorted)
        reference["A0000004"] = late.code
        for (k, key) in (sorted + ["A0000004"]).enumerated().shuffled(using: &random) {
            #expect(lookUp(&interner, key) == reference[key], "\(k): \(key)")
        }
        #expect(lookUp(&interner, "A0000005") == nil)
        let next = Array("A9999999".utf8).withUnsafeBufferPointer { interner.intern($0) }
        #expect(next.isNew && lookUp(&interner, "A9999999") == next.code)
    }
}
