/// An open-addressing hash table from byte strings to dense codes 0, 1, 2, …
///
/// Keys live back to back in one byte arena, so interning a million ids costs
/// two arrays, not a million `String`s. Lookups hash the field's bytes in place
/// and remember the last hit, because usage and timesheet exports are usually
/// sorted by entity, so consecutive rows repeat the same id, or, sorted by date and
/// then entity, name the next one.
///
/// - Complexity: O(length) expected per lookup; the table doubles at 50 % load.
struct ByteInterner {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Slot → code + 1; 0 marks an empty slot.
    private var slots: [Int32]
    private var mask: Int
    private var lastCode: Int32 = -1
    /// 0 or 1: whether the last lookup found the code after the one before it.
    private var lastStep: Int32 = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { hashes.count }

    /// The bytes of code `code`.
    func key(_ code: Int32) -> ArraySlice<UInt8> {
        arena[offsets[Int(code)]..<offsets[Int(code) + 1]]
    }

    /// The key of `code` as a `String` (keys are validated UTF-8 before interning).
    func string(_ code: Int32) -> String {
        String(decoding: key(code), as: UTF8.self)
    }

    /// Every key as a `String`, in code order.
    var strings: [String] { (0..<Int32(count)).map(string) }

    /// The code of `bytes`, or `nil` when they were never interned.
    mutating func code(of bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        if lastCode >= 0 {
            // A daily export sorted by date, then account, walks the accounts in file order
            // (the next code); one sorted by account repeats the last. Try the one the previous
            // lookup followed first, so each order costs one comparison per row.
            let first = lastCode + lastStep, second = lastCode + (1 - lastStep)
            if Int(first) < hashes.count, matches(first, bytes) {
                lastCode = first
                return first
            }
            if Int(second) < hashes.count, matches(second, bytes) {
                lastStep = second - lastCode
                lastCode = second
                return second
            }
            // A few ids skipped (accounts without a row that day): the next codes are in cache,
            // a hash slot usually is not.
            var ahead = lastCode + 2
            let limit = min(lastCode + 8, Int32(hashes.count))
            while ahead < limit {
                if matches(ahead, bytes) {
                    lastStep = 1
                    lastCode = ahead
                    return ahead
                }
                ahead += 1
            }
        }
        let h = Self.hash(bytes)
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[s]
            if entry == 0 { return nil }
            let c = entry - 1
            if hashes[Int(c)] == h, matches(c, bytes) {
                lastCode = c
                return c
            }
            s = (s + 1) & mask
        }
    }

    /// The code of `bytes`, adding them when new. `isNew` tells which.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (code: Int32, isNew: Bool) {
        if let c = code(of: bytes) { return (c, false) }
        if (count + 1) * 2 > slots.count { grow() }
        let h = Self.hash(bytes)
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[s] != 0 { s = (s + 1) & mask }
        let c = Int32(count)
        slots[s] = c + 1
        hashes.append(h)
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        lastCode = c
        return (c, true)
    }

    @inline(__always)
    private func matches(_ code: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        offsets.withUnsafeBufferPointer { o in
            let lo = o[Int(code)], n = o[Int(code) + 1] - lo
            guard n == bytes.count else { return false }
            if n == 0 { return true }
            return arena.withUnsafeBufferPointer { a in
                // Eight bytes at a time, then the rest: ids are short, and this runs once per row.
                let x = UnsafeRawPointer(a.baseAddress! + lo), y = UnsafeRawPointer(bytes.baseAddress!)
                var k = 0
                while k + 8 <= n {
                    if x.loadUnaligned(fromByteOffset: k, as: UInt64.self) != y.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
                    k += 8
                }
                while k < n {
                    if x.load(fromByteOffset: k, as: UInt8.self) != y.load(fromByteOffset: k, as: UInt8.self) { return false }
                    k += 1
                }
                return true
            }
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        for c in 0..<hashes.count {
            var s = Int(truncatingIfNeeded: hashes[c]) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(c) + 1
        }
    }

    /// FNV-1a, then a final avalanche so the low bits used for slots are well mixed.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}
