import Foundation

/// An open-addressing hash table from byte strings to dense codes 0, 1, 2, …
///
/// Keys live back to back in one byte arena, so interning a million ids costs
/// two arrays, not a million `String`s. Lookups hash the field's bytes in place
/// and remember the last hit, because usage and timesheet exports are usually
/// sorted by entity, so consecutive rows repeat the same id, or, sorted by date and
/// then entity, name the next one.
///
/// Keys interned in strictly ascending byte order (an export sorted by its id: accounts,
/// projects, ticket ids) are not hashed until a lookup needs it: a new key greater than the
/// last cannot be among the earlier ones, so checking it is one comparison, not a probe of a
/// table that at a million keys is out of cache. While the keys stay sorted, a lookup a little
/// past the last hit (a date-ordered export naming accounts in id order, with gaps) is a
/// galloping search among the next codes, whose keys sit next to each other in the arena.
///
/// - Complexity: O(length) expected per lookup; the table doubles at 50 % load.
struct ByteInterner {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    /// The hash of each key, for the codes below `indexedCount`.
    private var hashes: [UInt64] = []
    /// Slot → code + 1; 0 marks an empty slot. Holds the codes below `indexedCount`.
    private var slots: [Int32]
    private var mask: Int
    /// Whether the slots hold every key; until a lookup needs them, only sorted keys are added.
    private var indexed = false
    /// Whether every key was interned greater (bytewise) than the one before.
    private(set) var isSorted = true
    private var lastCode: Int32 = -1
    /// 0 or 1: whether the last lookup found the code after the one before it.
    private var lastStep: Int32 = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { offsets.count - 1 }

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

    /// Hashes every key into the slots, so that lookups never change the arrays: to be called
    /// before copies of the interner are looked up in on several threads (each copy would
    /// otherwise build its own table).
    mutating func buildIndex() {
        guard !indexed else { return }
        indexed = true
        var size = slots.count
        while size < count * 2 + 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        hashes.reserveCapacity(count)
        arena.withUnsafeBufferPointer { a in
            for c in hashes.count..<count {
                hashes.append(Self.hash(UnsafeBufferPointer(rebasing: a[offsets[c]..<offsets[c + 1]])))
            }
        }
        for c in 0..<count { insertSlot(Int32(c)) }
    }

    /// The code of `bytes`, or `nil` when they were never interned.
    mutating func code(of bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        if lastCode >= 0 {
            // A daily export sorted by date, then account, walks the accounts in file order
            // (the next code); one sorted by account repeats the last. Try the one the previous
            // lookup followed first, so each order costs one comparison per row.
            let first = lastCode + lastStep, second = lastCode + (1 - lastStep)
            if Int(first) < count, matches(first, bytes) {
                lastCode = first
                return first
            }
            if Int(second) < count, matches(second, bytes) {
                lastStep = second - lastCode
                lastCode = second
                return second
            }
            if isSorted {
                switch gallop(from: lastCode, bytes) {
                case let .found(c):
                    lastStep = 1
                    lastCode = c
                    return c
                case .absent: return nil
                case .undecided: break
                }
            } else {
                // A few ids skipped (accounts without a row that day): the next codes are in cache,
                // a hash slot usually is not.
                var ahead = lastCode + 2
                let limit = min(lastCode + 8, Int32(count))
                while ahead < limit {
                    if matches(ahead, bytes) {
                        lastStep = 1
                        lastCode = ahead
                        return ahead
                    }
                    ahead += 1
                }
            }
        }
        if !indexed {
            // Sorted keys: one greater than the last is not among them.
            if count == 0 || compare(Int32(count - 1), bytes) < 0 { return nil }
            buildIndex()
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

    /// What a search among sorted keys concluded.
    private enum SearchResult {
        case found(Int32)
        /// Between two keys, or past the last: never interned.
        case absent
        /// Not after the start's key, or further ahead than the search goes: for the hash table.
        case undecided
    }

    /// Over sorted keys, the search for `bytes` among the codes after `start`: doubling steps
    /// until a key is not less, then halving. Capped at about 128 codes ahead, the reach of
    /// a date-ordered export's gaps between the accounts with a row that day; its probes stay
    /// near the last hit in the arena, where a hash probe at a million keys misses the cache.
    private func gallop(from start: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> SearchResult {
        guard compare(start, bytes) < 0 else { return .undecided }
        var below = Int(start), step = 1
        var above: Int  // the first code found whose key is not less than bytes (count: none)
        while true {
            let probe = below + step
            if probe >= count { above = count; break }
            let order = compare(Int32(probe), bytes)
            if order == 0 { return .found(Int32(probe)) }
            if order > 0 { above = probe; break }
            below = probe
            if step >= 64 { return .undecided }
            step <<= 1
        }
        // key(below) < bytes < key(above)
        while above - below > 1 {
            let middle = (below + above) / 2
            let order = compare(Int32(middle), bytes)
            if order == 0 { return .found(Int32(middle)) }
            if order < 0 { below = middle } else { above = middle }
        }
        return .absent
    }

    /// The code of `bytes`, adding them when new. `isNew` tells which.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (code: Int32, isNew: Bool) {
        if !indexed, count == 0 || compare(Int32(count - 1), bytes) < 0 {
            // Still sorted: appended without hashing.
            arena.append(contentsOf: bytes)
            offsets.append(arena.count)
            lastCode = Int32(count - 1)
            return (lastCode, true)
        }
        if let c = code(of: bytes) { return (c, false) }
        buildIndex()
        if isSorted, compare(Int32(count - 1), bytes) >= 0 { isSorted = false }
        if (count + 1) * 2 > slots.count { grow() }
        let c = Int32(count)
        hashes.append(Self.hash(bytes))
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        insertSlot(c)
        lastCode = c
        return (c, true)
    }

    /// Puts code `c` (its hash already in `hashes`) in the first free slot of its probe sequence.
    private mutating func insertSlot(_ c: Int32) {
        var s = Int(truncatingIfNeeded: hashes[Int(c)]) & mask
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = c + 1
    }

    /// The order of code `code`'s key against `bytes`, bytewise (a prefix first): < 0, 0 or > 0.
    @inline(__always)
    private func compare(_ code: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        offsets.withUnsafeBufferPointer { o in
            let lo = o[Int(code)], n = o[Int(code) + 1] - lo
            let common = min(n, bytes.count)
            if common > 0 {
                let order = arena.withUnsafeBufferPointer { a in memcmp(a.baseAddress! + lo, bytes.baseAddress!, common) }
                if order != 0 { return Int(order) }
            }
            return n - bytes.count
        }
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
        for c in 0..<hashes.count { insertSlot(Int32(c)) }
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
