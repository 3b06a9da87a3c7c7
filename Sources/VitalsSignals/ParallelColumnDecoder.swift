#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import VitalsFoundation

/// Reads a file whose columns all hold 32-bit codes (account or project references, dates,
/// counts), such as usage.csv, on every core, with the same rules and messages as the
/// one-record-at-a-time path in `SignalsReader`.
///
/// The data after the header is cut into chunks at line ends, each decoded on its own.
/// Within a chunk, stretches with no NUL byte or carriage return other than a CRLF line end
/// are decoded line by line straight from the bytes (fields are then exactly the
/// comma-separated pieces, the CR of a CRLF dropped, and a field quoted whole read inside its
/// quotes); a bare line the fast parsers do not accept whole (an empty field, a space, a bad
/// value, a ragged row) goes through `ColumnBuilder.stage`, so its problem is reported word
/// for word as the sequential path would. From the first line with a quote that does not
/// frame a whole field, a NUL or a bare CR on, the rest of the chunk is framed by
/// `CSVScanner`.
///
/// A cut can only land inside a quoted field that spans lines. Each chunk must end exactly
/// where the next began; when one does not, everything from its true end is decoded again
/// in one piece, so the result never depends on where the cuts fell.
///
/// - Complexity: O(bytes) work over `threads` threads; memory: the columns, plus one
///   4 MiB buffer per thread.
/// usage.csv rows kept only when dated in `kept` (`SignalsReadOptions.usageWindow`); of the
/// rows before it, each account's latest day with an active user and that it had a row.
struct UsageRowFilter {
    let kept: ClosedRange<Int32>
    /// Columns (in `ParallelColumnDecoder.columns` order) of the date, the account and active_users (nil: absent).
    let dateColumn: Int
    let accountColumn: Int
    let activeColumn: Int?
    let accountCount: Int
}

/// The rows before a usage window, folded as they are decoded into per-account facts: the
/// latest day with an active user, and whether there was a row. One fold per decoding thread
/// (a chunk takes one while it decodes and gives it back), merged at the end by max and "or",
/// which do not depend on which thread saw a row; so the rows themselves, most of a year's
/// book (two gigabytes at a million accounts), are never held.
///
/// A chunk that is thrown away after decoding (it began inside a record that the chunk
/// before it finished) has folded rows read from the wrong place: the decoder then clears the
/// folds (`reset`) and decodes the file again in one piece.
final class WindowFolds: @unchecked Sendable {
    final class Fold {
        /// Per account: the latest day with an active user before the window (`Int32.min`: none).
        let lastActive: UnsafeMutableBufferPointer<Int32>
        let hasRow: UnsafeMutableBufferPointer<Bool>

        init(accountCount: Int) {
            lastActive = .allocate(capacity: max(1, accountCount))
            lastActive.initialize(repeating: Int32.min)
            hasRow = .allocate(capacity: max(1, accountCount))
            hasRow.initialize(repeating: false)
        }

        deinit {
            lastActive.deallocate()
            hasRow.deallocate()
        }

        func clear() {
            lastActive.update(repeating: Int32.min)
            hasRow.update(repeating: false)
        }
    }

    let accountCount: Int
    private let lock = NSLock()
    private var idle: [Fold] = []
    private var all: [Fold] = []

    init(accountCount: Int) { self.accountCount = accountCount }

    /// A fold no other chunk is using.
    func take() -> Fold {
        lock.lock()
        defer { lock.unlock() }
        if let fold = idle.popLast() { return fold }
        let fold = Fold(accountCount: accountCount)
        all.append(fold)
        return fold
    }

    func give(_ fold: Fold) {
        lock.lock()
        idle.append(fold)
        lock.unlock()
    }

    /// Forgets every row folded so far.
    func reset() {
        lock.lock()
        defer { lock.unlock() }
        for fold in all { fold.clear() }
    }

    /// Every fold's facts as one: per account the latest active day and whether it had a row.
    func merged() -> (lastActive: [Int32], hasRow: [Bool]) {
        lock.lock()
        defer { lock.unlock() }
        var lastActive = [Int32](repeating: Int32.min, count: accountCount)
        var hasRow = [Bool](repeating: false, count: accountCount)
        for fold in all {
            for a in 0..<accountCount {
                if fold.lastActive[a] > lastActive[a] { lastActive[a] = fold.lastActive[a] }
                if fold.hasRow[a] { hasRow[a] = true }
            }
        }
        return (lastActive, hasRow)
    }
}

struct ParallelColumnDecoder {
    let path: String
    let file: SignalsFile
    let columns: [(spec: ColumnSpec, field: Int)]
    let fieldCount: Int
    /// The header's names, for problems about fields the schema does not know.
    let names: [String]
    /// The file offset and line number of the first record after the header.
    let dataOffset: Int
    let dataLine: Int
    let fileSize: Int
    /// Copied into every chunk: its interners indexed first (`ReadContext.indexReferences`).
    let context: ReadContext
    let options: SignalsReadOptions
    /// Rows to leave out of the columns (usage.csv read for scoring one date), nil to keep all.
    var rowFilter: UsageRowFilter? = nil
    /// With a row filter, what the rows before its window say (a class apart from the filter,
    /// which is read on every row and so holds no reference).
    var windowFolds: WindowFolds? = nil

    /// Whether `columns` can be read this way: every column is a reference, a date or a count.
    static func isEligible(_ columns: [(spec: ColumnSpec, field: Int)]) -> Bool {
        columns.allSatisfy {
            switch $0.spec.kind {
            case .accountReference, .projectReference, .date, .count: return true
            default: return false
            }
        }
    }

    /// What decoding one chunk (or the whole file, once merged) found.
    struct Output {
        /// Committed values per column, in `columns` order (merged output only; chunks hand over `storage`).
        var values: [[Int32]]
        /// A chunk's values before merging, owned by the chunk (freed as they are merged).
        var storage: [Int32Storage] = []
        var rowsRead = 0
        var rowsKept = 0
        /// Of `rowsRead`, the rows the general scanner framed (off the fast path).
        var rowsByScanner = 0
        /// Problems with lines counted from the chunk's first line as 1 (absolute once merged).
        var problems: [SignalsProblem] = []
        var problemCount = 0
        var skipped: [SignalsRule: Int] = [:]
        /// Where the chunk stopped: the offset of the first record at or past its limit, or the file size.
        var endOffset = 0
        /// Physical lines from the chunk's start to `endOffset` (chunks only).
        var lines = 0
        /// A fault that stops the file (a quoted field never closed, a row too long): nothing after it can be read.
        var stopped = false
        /// A compressed file's data is damaged from this line on (chunk-relative until merged): it stops the file.
        var damage: (line: Int, message: String)?
        /// With a row filter, the earliest and latest date of the rows left out.
        var droppedDays: ClosedRange<Int32>?
        /// With a row filter, the merged facts of the rows left out.
        var windowFacts: UsageWindowFacts?

        /// Frees a chunk's storage that is not merged (a chunk thrown away, or a failed read).
        func releaseStorage() {
            storage.forEach { $0.release() }
        }
    }

    /// How the file is stored; a gzip file is decompressed on a thread of its own (`decodeCompressed`).
    var compression: SignalsCompression { SignalsCompression(path: path) }

    func decode(threads: Int) throws -> Output {
        if compression == .gzip { return try decodeCompressed(threads: threads) }
        let span = fileSize - dataOffset
        let chunkCount = max(1, min(max(threads * 4, 64), span / options.parallelChunkBytes))
        var starts = [dataOffset]
        for k in 1..<chunkCount {
            let start = try lineStart(atOrAfter: dataOffset + span * k / chunkCount)
            if start > starts.last!, start < fileSize { starts.append(start) }
        }
        let limits = Array(starts.dropFirst()) + [fileSize]
        let chunkStarts = starts
        var outputs = [Result<Output, SignalsIOError>?](repeating: nil, count: starts.count)
        outputs.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: starts.count) { k in
                do throws(SignalsIOError) {
                    slots[k] = .success(try decodeRange(from: chunkStarts[k], to: limits[k]))
                } catch {
                    slots[k] = .failure(error)
                }
            }
        }
        // Stitch the chunks in order; redo from the true end of the first one that overran.
        var pieces: [Output] = []
        var used = 0
        var overran = false
        for k in starts.indices {
            let piece = try outputs[k]!.get()
            if k > 0, let previous = pieces.last, previous.stopped || previous.endOffset != starts[k] {
                overran = !previous.stopped
                if overran, rowFilter == nil { pieces.append(try decodeRange(from: previous.endOffset, to: fileSize)) }
                break
            }
            pieces.append(piece)
            used = k + 1
        }
        // Chunks after a stop (or cut inside a quoted field) are thrown away.
        for k in used..<outputs.count { (try? outputs[k]?.get())?.releaseStorage() }
        if overran, rowFilter != nil {
            // The chunks thrown away folded rows read from the wrong place: start again in one piece.
            pieces.forEach { $0.releaseStorage() }
            windowFolds?.reset()
            return merge([try decodeRange(from: dataOffset, to: fileSize)])
        }
        return merge(pieces)
    }

    /// The chunks' outputs, in file order, as one: counts summed, problems' lines made absolute,
    /// columns concatenated (each chunk's storage freed as it is copied).
    func merge(_ pieces: [Output]) -> Output {
        var merged = Output(values: Array(repeating: [], count: columns.count))
        var lineBase = dataLine - 1
        for piece in pieces {
            merged.rowsRead += piece.rowsRead
            merged.rowsByScanner += piece.rowsByScanner
            merged.rowsKept += piece.rowsKept
            merged.problemCount += piece.problemCount
            merged.stopped = merged.stopped || piece.stopped
            for (rule, n) in piece.skipped { merged.skipped[rule, default: 0] += n }
            for p in piece.problems {
                merged.problems.append(SignalsProblem(file: p.file, line: p.line + lineBase, column: p.column, rule: p.rule, message: p.message))
            }
            if merged.damage == nil, let damage = piece.damage { merged.damage = (damage.line + lineBase, damage.message) }
            merged.endOffset = piece.endOffset
            lineBase += piece.lines
        }
        merged.lines = lineBase - (dataLine - 1)
        // Each column is copied once, from the chunks' storage into its array; every page touched
        // costs (see Benchmarks/README.md), so the chunks hand over raw storage, not arrays. The
        // columns are independent, so they are stitched in parallel: the copy, the new array's
        // page faults and the chunks' unmapping were a serial tail of the read.
        let total = pieces.reduce(0) { $0 + ($1.storage.first?.count ?? 0) }
        let stitched = UnsafeMutablePointer<[Int32]>.allocate(capacity: max(1, columns.count))
        stitched.initialize(repeating: [], count: max(1, columns.count))
        defer { stitched.deinitialize(count: max(1, columns.count)); stitched.deallocate() }
        // Each iteration reads every chunk's column c and writes slot c alone.
        nonisolated(unsafe) let slots = stitched
        nonisolated(unsafe) let parts = pieces
        DispatchQueue.concurrentPerform(iterations: columns.count) { c in
            slots[c] = [Int32](unsafeUninitializedCapacity: total) { buffer, initialized in
                var at = 0
                for piece in parts {
                    let part = piece.storage[c]
                    (buffer.baseAddress! + at).update(from: part.base, count: part.count)
                    at += part.count
                    part.release()
                }
                initialized = at
            }
        }
        for c in columns.indices { merged.values[c] = stitched[c] }
        if let filter = rowFilter {
            var days: ClosedRange<Int32>?
            for piece in pieces {
                if let d = piece.droppedDays { days = days.map { min($0.lowerBound, d.lowerBound)...max($0.upperBound, d.upperBound) } ?? d }
            }
            // The reader sets the folds with the filter.
            let (lastActive, hasRow) = windowFolds!.merged()
            merged.windowFacts = UsageWindowFacts(kept: filter.kept, lastActiveBefore: lastActive, hasRowBefore: hasRow, droppedDays: days)
        }
        return merged
    }

    /// The offset just after the first line end at or after `offset - 1` (so `offset` itself
    /// when it starts a line), or the file size.
    private func lineStart(atOrAfter offset: Int) throws(SignalsIOError) -> Int {
        let fd = try openFile()
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var at = offset - 1
        while at < fileSize {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
            guard n > 0 else { throw SignalsIOError(path: path, reason: n == 0 ? "file shrank while reading" : String(cString: strerror(errno))) }
            if let k = buffer[0..<n].firstIndex(of: 10) { return at + k + 1 }
            at += n
        }
        return fileSize
    }

    private func openFile() throws(SignalsIOError) -> Int32 {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SignalsIOError(path: path, reason: String(cString: strerror(errno))) }
        return fd
    }

    /// Decodes the records that start in [start, limit); `start` begins a line.
    func decodeRange(from start: Int, to limit: Int) throws(SignalsIOError) -> Output {
        var state = ChunkState(decoder: self, expectedRows: max(16, (limit - start) / 24))
        defer { state.release() }
        let fd = try openFile()
        defer { close(fd) }
        let capacity = ReadBuffers.capacity
        let buffer = ReadBuffers.shared.take()
        defer { ReadBuffers.shared.give(buffer) }
        var offset = start
        var general = false
        while offset < limit {
            let want = min(capacity, fileSize - offset)
            var n = 0
            while n < want {
                let got = pread(fd, buffer + n, want - n, off_t(offset + n))
                if got > 0 { n += got; continue }
                if got < 0, errno == EINTR { continue }
                throw SignalsIOError(path: path, reason: got == 0 ? "file shrank while reading" : String(cString: strerror(errno)))
            }
            let window = min(n, limit - offset)
            // Whole lines only. A limit always follows a line end (or is the end of the file, whose
            // last line may lack one); a full buffer short of the limit ends at its last line end.
            var end = window
            if offset + window < limit {
                guard let lastNewline = Self.lastIndex(of: 10, in: buffer, count: window) else { general = true; break }
                end = lastNewline + 1
            }
            // Quotes and CRs are the line loop's to judge, line by line; a NUL sends the rest
            // of the chunk to the general scanner.
            let special = Self.firstIndex(of: 0, in: buffer, count: end) ?? end
            var fastEnd = end
            if special < end {
                fastEnd = (Self.lastIndex(of: 10, in: buffer, count: special)).map { $0 + 1 } ?? 0
                general = true
            }
            let taken = state.decodeLines(buffer, count: fastEnd)
            offset += taken
            if taken < fastEnd { general = true }
            if general { break }
        }
        if general, offset < limit {
            try state.decodeGeneral(from: offset, to: limit)
        } else {
            state.output.endOffset = offset
        }
        return state.finish()
    }

    static func firstIndex(of byte: UInt8, in buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int? {
        guard count > 0, let hit = memchr(buffer, Int32(byte), count) else { return nil }
        return buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    static func lastIndex(of byte: UInt8, in buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int? {
        var k = count - 1
        while k >= 0, buffer[k] != byte { k -= 1 }
        return k >= 0 ? k : nil
    }
}

/// A growable column of Int32 without reference counting on the hot path.
/// A chunk's growing column, in pages mapped for it alone. Released pages go back to the system
/// at once (munmap); from malloc they stayed resident in glibc's arenas, so the merge into the
/// final columns held every value twice (peak RSS 1.85× a 1.2 GB usage.csv, now 1.08×).
struct Int32Storage {
    var base: UnsafeMutablePointer<Int32>
    var count = 0
    var capacity: Int

    init(capacity: Int) {
        self.capacity = max(1024, capacity)
        base = Self.map(self.capacity)
    }

    private static func map(_ capacity: Int) -> UnsafeMutablePointer<Int32> {
        let bytes = capacity * MemoryLayout<Int32>.stride
        guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("out of memory: cannot map \(bytes) bytes for a column chunk")
        }
        return raw.bindMemory(to: Int32.self, capacity: capacity)
    }

    @inline(__always)
    mutating func append(_ value: Int32) {
        if count == capacity { grow() }
        base[count] = value
        count += 1
    }

    private mutating func grow() {
        let larger = Self.map(capacity * 2)
        larger.update(from: base, count: count)
        munmap(base, capacity * MemoryLayout<Int32>.stride)
        base = larger
        capacity *= 2
    }

    func release() { munmap(base, capacity * MemoryLayout<Int32>.stride) }
}

/// One chunk's decoding state: the staging builders (for lines off the fast path), the
/// columns, the counts and problems.
struct ChunkState {
    let decoder: ParallelColumnDecoder
    var output: ParallelColumnDecoder.Output
    var context: ReadContext
    let builders: [ColumnBuilder]
    /// Per header field: the column it fills (−1: not used) and how to parse it.
    let plan: [(column: Int, kind: FieldKind)]
    let columnMissing: [Int32]
    var storage: UnsafeMutablePointer<Int32Storage>
    var staged: UnsafeMutablePointer<Int32>
    /// With a row filter: where the rows before the window go, taken while the chunk decodes,
    /// and its two arrays (held apart from the class, so a row costs no reference counting).
    var fold: WindowFolds.Fold?
    var foldLastActive = UnsafeMutableBufferPointer<Int32>(start: nil, count: 0)
    var foldHasRow = UnsafeMutableBufferPointer<Bool>(start: nil, count: 0)
    /// The line number of the next line, counting the chunk's first line as 1.
    var line = 1
    // The last date parsed and its ordinal: exports are sorted by date, so most rows repeat it.
    var lastDate: (UInt64, UInt16) = (0, 0)
    var lastOrdinal: Int32 = 0
    var hasLastDate = false

    enum FieldKind { case skip, count, date, account, project }

    init(decoder: ParallelColumnDecoder, expectedRows: Int) {
        self.decoder = decoder
        output = .init(values: Array(repeating: [], count: decoder.columns.count))
        context = decoder.context
        builders = decoder.columns.map { ColumnBuilder(spec: $0.spec, fieldIndex: $0.field, expectedRows: 16) }
        var plan = [(column: Int, kind: FieldKind)](repeating: (-1, .skip), count: decoder.fieldCount)
        var missing: [Int32] = []
        for (c, column) in decoder.columns.enumerated() {
            switch column.spec.kind {
            case .count: plan[column.field] = (c, .count); missing.append(CountColumn.missing)
            case .date: plan[column.field] = (c, .date); missing.append(DayColumn.missing)
            case .projectReference: plan[column.field] = (c, .project); missing.append(0)
            default: plan[column.field] = (c, .account); missing.append(0)
            }
        }
        self.plan = plan
        columnMissing = missing
        storage = .allocate(capacity: max(1, decoder.columns.count))
        for c in decoder.columns.indices { (storage + c).initialize(to: Int32Storage(capacity: expectedRows)) }
        staged = .allocate(capacity: max(1, decoder.columns.count))
    }

    /// Commits the staged row: into the columns, or, when a row filter leaves it out, into what
    /// the rows left out say.
    @inline(__always)
    mutating func commitStaged() {
        if let filter = decoder.rowFilter {
            let day = staged[filter.dateColumn]
            if !filter.kept.contains(day) {
                output.droppedDays = output.droppedDays.map { min($0.lowerBound, day)...max($0.upperBound, day) } ?? day...day
                if day < filter.kept.lowerBound {
                    if foldHasRow.baseAddress == nil { takeFold() }
                    let a = Int(staged[filter.accountColumn])
                    foldHasRow[a] = true
                    if UsageWindowFacts.isActive(activeUsers: filter.activeColumn.map { staged[$0] }), day > foldLastActive[a] {
                        foldLastActive[a] = day
                    }
                }
                return
            }
        }
        for c in 0..<decoder.columns.count { storage[c].append(staged[c]) }
    }

    var handedOver = false

    func release() {
        if !handedOver {
            for c in decoder.columns.indices { storage[c].release() }
        }
        if let fold { decoder.windowFolds?.give(fold) }
        storage.deallocate()
        staged.deallocate()
    }

    @inline(never)
    mutating func takeFold() {
        let taken = decoder.windowFolds!.take()
        fold = taken
        foldLastActive = taken.lastActive
        foldHasRow = taken.hasRow
    }

    /// Gives the fold back for another chunk (a chunk that waits to be stitched holds none).
    mutating func giveBackFold() {
        if let fold { decoder.windowFolds?.give(fold) }
        fold = nil
        foldLastActive = .init(start: nil, count: 0)
        foldHasRow = .init(start: nil, count: 0)
    }

    /// Hands the columns over to the output; `release()` then frees only the bookkeeping.
    mutating func finish() -> ParallelColumnDecoder.Output {
        output.lines = line - 1
        output.storage = (0..<decoder.columns.count).map { storage[$0] }
        handedOver = true
        return output
    }

    /// Decodes the lines in buffer[0..<count] (whole lines ending in LF or CRLF; no NUL).
    /// Returns the bytes taken: `count`, or the offset of the first line the general scanner
    /// must read (a CR that does not end a line, a quote that does not frame a whole field, a
    /// line longer than a record may be), from which `CSVScanner` takes over.
    ///
    /// Most lines take `fastLine`, one pass over the bytes that finds the fields and the line
    /// end together; a line it declines is found by its LF and judged by the careful path.
    mutating func decodeLines(_ b: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        var lineStart = 0
        // The next quote and the next CR at or after the careful path's line (count: none): one
        // search each over a chunk without them, rather than one per line.
        var nextQuote = -1, nextCarriageReturn = -1
        while lineStart < count {
            if let next = fastLine(b, from: lineStart, count: count) {
                line += 1
                output.rowsRead += 1
                commitStaged()
                output.rowsKept += 1
                lineStart = next
                continue
            }
            var lineEnd = count  // the file's last line, without a line end
            var endsInLineFeed = false
            if let k = ParallelColumnDecoder.firstIndex(of: 10, in: b + lineStart, count: count - lineStart) {
                lineEnd = lineStart + k
                endsInLineFeed = true
            }
            if lineEnd - lineStart > CSVScanner.defaultMaxRecordBytes { return lineStart }
            let lineNumber = line
            let nextLine = lineEnd + 1
            // A CRLF line end: the CR is not part of the record. Any other CR is the general
            // scanner's to judge (a line break inside quotes, or a stray CR it reports).
            if endsInLineFeed, lineEnd > lineStart, b[lineEnd - 1] == 13 { lineEnd -= 1 }
            if nextCarriageReturn < lineStart {
                nextCarriageReturn = lineStart + (ParallelColumnDecoder.firstIndex(of: 13, in: b + lineStart, count: count - lineStart) ?? (count - lineStart))
            }
            if nextCarriageReturn < lineEnd { return lineStart }
            line += 1
            defer { lineStart = nextLine }
            if lineEnd == lineStart { continue }  // a blank line
            // A line with quotes: taken whole when every quote frames a field, else the general
            // scanner takes over from it (it may open a field that spans lines).
            if nextQuote < lineStart {
                nextQuote = lineStart + (ParallelColumnDecoder.firstIndex(of: 34, in: b + lineStart, count: count - lineStart) ?? (count - lineStart))
            }
            if nextQuote < lineEnd {
                guard quotedLine(b, from: lineStart, to: lineEnd) else {
                    line = lineNumber
                    return lineStart
                }
                output.rowsRead += 1
                commitStaged()
                output.rowsKept += 1
                continue
            }
            output.rowsRead += 1
            slowLine(b, from: lineStart, to: lineEnd, line: lineNumber)
        }
        return count
    }

    /// Stages the line at `start` when every field is bare and every value is one the fast
    /// parsers take, finding its end on the way: the offset after its LF (or the buffer's end,
    /// for a last line without one), or nil, with nothing staged for good, for anything else — a
    /// quote, a CR that does not end the line, a blank line, a value to trim or to report —
    /// which the careful path then judges.
    @inline(__always)
    private mutating func fastLine(_ b: UnsafeMutablePointer<UInt8>, from start: Int, count: Int) -> Int? {
        let fieldCount = decoder.fieldCount
        var p = start
        for f in 0..<fieldCount {
            let (column, kind) = plan[f]
            // A field quoted whole ("…", the all-quoted export): its value is what the quotes
            // frame, and a quote inside it stops the value early and the checks decline.
            let quoted = p < count && b[p] == 34
            if quoted { p += 1 }
            let fieldStart = p
            switch kind {
            case .count:
                var value: Int32 = 0
                while p < count {
                    let d = b[p] &- 48
                    if d > 9 { break }
                    value = value &* 10 &+ Int32(d)
                    p += 1
                }
                if p == fieldStart || p - fieldStart > 9 { return nil }
                staged[column] = value
            case .date:
                guard count - p >= 10 else { return nil }
                let raw = UnsafeRawPointer(b + p)
                let key = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
                if !hasLastDate || key != lastDate {
                    guard let day = Day.parse(UnsafeBufferPointer(start: b + p, count: 10)), Day.plausible.contains(day) else { return nil }
                    lastDate = key
                    lastOrdinal = day.ordinal
                    hasLastDate = true
                }
                staged[column] = lastOrdinal
                p += 10
            case .account, .project, .skip:
                // To the field's end; a quote or CR stops it early and the checks below decline.
                while p < count {
                    let byte = b[p]
                    if byte == 44 || byte == 10 || byte == 13 || byte == 34 { break }
                    p += 1
                }
                if kind != .skip {
                    // Untrimmed or unknown ids take the careful path, which trims and words the problem.
                    let field = UnsafeBufferPointer(start: b + fieldStart, count: p - fieldStart)
                    guard let code = kind == .account ? context.accounts.code(of: field) : context.projects.code(of: field)
                    else { return nil }
                    staged[column] = code
                }
            }
            if quoted {
                guard p < count, b[p] == 34 else { return nil }
                p += 1
            }
            if f < fieldCount - 1 {
                guard p < count, b[p] == 44 else { return nil }
                p += 1
            }
        }
        // The line's end: LF, CRLF, or the end of the buffer (the file's last line). Its length
        // is measured as the careful path measures it (a CRLF's CR counted), so the same lines
        // are too long on both.
        let next: Int, length: Int
        if p == count {
            next = count; length = count - start
        } else if b[p] == 10 {
            next = p + 1; length = p - start
        } else if b[p] == 13, p + 1 < count, b[p + 1] == 10 {
            next = p + 2; length = p + 1 - start
        } else {
            return nil
        }
        return length > CSVScanner.defaultMaxRecordBytes ? nil : next
    }

    /// Stages a line with quotes whose every field is either bare or quoted whole
    /// (`"…"` with no quote inside, followed by a comma or the line end) and whose every
    /// value the fast parsers take; false, with nothing staged for good, otherwise (an escaped
    /// quote, text after a closing quote, a quote inside a bare field, a bad value), and the
    /// line is the general scanner's. The hot loop above parses bare lines in one pass; this
    /// one finds each field's bounds first, which quoted fields need.
    mutating func quotedLine(_ b: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        let fieldCount = decoder.fieldCount
        var p = start
        for f in 0..<fieldCount {
            var fieldStart = p, fieldEnd: Int
            if p < end, b[p] == 34 {
                guard let close = ParallelColumnDecoder.firstIndex(of: 34, in: b + p + 1, count: end - p - 1) else { return false }
                fieldStart = p + 1
                fieldEnd = p + 1 + close
                p = fieldEnd + 1
            } else {
                fieldEnd = p
                while fieldEnd < end, b[fieldEnd] != 44 {
                    if b[fieldEnd] == 34 { return false }
                    fieldEnd += 1
                }
                p = fieldEnd
            }
            if f < fieldCount - 1 {
                guard p < end, b[p] == 44 else { return false }
                p += 1
            } else if p != end {
                return false
            }
            let (column, kind) = plan[f]
            guard kind != .skip else { continue }
            guard let value = fastValue(kind, UnsafeBufferPointer(start: b + fieldStart, count: fieldEnd - fieldStart)) else { return false }
            staged[column] = value
        }
        return true
    }

    /// A field's value by the fast parsers' rules, or nil when they do not take it.
    private mutating func fastValue(_ kind: FieldKind, _ field: UnsafeBufferPointer<UInt8>) -> Int32? {
        switch kind {
        case .count:
            guard (1...9).contains(field.count) else { return nil }
            var value: Int32 = 0
            for byte in field {
                let d = byte &- 48
                if d > 9 { return nil }
                value = value &* 10 &+ Int32(d)
            }
            return value
        case .date:
            guard field.count == 10, let day = Day.parse(field), Day.plausible.contains(day) else { return nil }
            return day.ordinal
        case .account: return context.accounts.code(of: field)
        case .project: return context.projects.code(of: field)
        case .skip: return 0
        }
    }

    /// A line the fast parsers did not take: framed by commas (it has no quotes) and staged
    /// field by field, exactly as `SignalsReader` does.
    private mutating func slowLine(_ b: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int, line: Int) {
        var fields: [UnsafeBufferPointer<UInt8>] = []
        var fieldStart = start
        for k in start...end where k == end || b[k] == 44 {
            fields.append(UnsafeBufferPointer(start: b + fieldStart, count: k - fieldStart))
            fieldStart = k + 1
        }
        stageRow(fieldCount: fields.count, line: line) { fields[$0] }
    }

    /// Stages one record's fields and commits it, or records its problems.
    private mutating func stageRow(fieldCount: Int, line: Int, field: (Int) -> UnsafeBufferPointer<UInt8>) {
        let file = decoder.file
        guard fieldCount == decoder.fieldCount else {
            note(.raggedRow(file: file, line: line, fields: fieldCount, header: decoder.fieldCount))
            output.skipped[.raggedRow, default: 0] += 1
            return
        }
        var problems: [SignalsProblem] = []
        for (c, builder) in builders.enumerated() {
            if let p = builder.stage(field(builder.fieldIndex), context: &context, file: file, line: line) {
                problems.append(SignalsProblem(file: file, line: line, column: builder.spec.name, rule: p.rule, message: p.message))
            } else {
                staged[c] = builder.stagedValue ?? columnMissing[c]
            }
        }
        if !problems.isEmpty, SignalsProblem.isHeaderRepeat(fieldCount: fieldCount, field: field, names: decoder.names) {
            problems = [.repeatedHeader(file: file, line: line)]
        }
        if problems.isEmpty {
            commitStaged()
            output.rowsKept += 1
        } else {
            for p in problems { note(p) }
            output.skipped[problems[0].rule, default: 0] += 1
        }
    }

    private mutating func note(_ problem: SignalsProblem) {
        output.problemCount += 1
        if output.problems.count < decoder.options.maxStoredProblems { output.problems.append(problem) }
    }

    /// The rest of the chunk, framed by `CSVScanner` (quotes, CRs, NULs, very long lines).
    mutating func decodeGeneral(from offset: Int, to limit: Int) throws(SignalsIOError) {
        let scanner = try CSVScanner(path: decoder.path, chunkSize: decoder.options.chunkSize, offset: offset, line: line)
        do throws(SignalsIOError) {
            try scanRecords(scanner, to: limit)
        } catch where error.isDamagedCompression {
            output.damage = (scanner.lineAfterRecord, error.reason)
            output.stopped = true
            line = scanner.lineAfterRecord
        }
    }

    private mutating func scanRecords(_ scanner: CSVScanner, to limit: Int) throws(SignalsIOError) {
        let file = decoder.file
        while try scanner.next() {
            if scanner.recordOffset >= limit {
                output.endOffset = scanner.recordOffset
                line = scanner.recordLine
                return
            }
            output.rowsRead += 1
            output.rowsByScanner += 1
            if let fault = scanner.fault {
                note(.fault(fault, file: file, names: decoder.names))
                if fault.kind.stopsFile {
                    output.stopped = true
                    output.endOffset = decoder.fileSize
                    line = scanner.lineAfterRecord
                    return
                }
                output.skipped[fault.kind.rule, default: 0] += 1
                continue
            }
            stageRow(fieldCount: scanner.fieldCount, line: scanner.recordLine) { scanner.field($0) }
        }
        // A compressed file's offsets count its text, which only the scan's end measures.
        output.endOffset = decoder.compression == .gzip ? scanner.endOffset : decoder.fileSize
        line = scanner.lineAfterRecord
    }
}

/// The 4 MiB read buffers of `decodeRange`, kept for the next chunk instead of freed: a fresh
/// buffer per chunk costs the kernel's zeroing of its pages (at 1,000,000 accounts, 1,400
/// chunks: 5.6 GB of fresh pages), as the compressed path's recycled chunks already showed.
final class ReadBuffers: @unchecked Sendable {
    static let capacity = 1 << 22
    static let shared = ReadBuffers()
    private let lock = NSLock()
    private var free: [UnsafeMutablePointer<UInt8>] = []
    /// At most this many wait for reuse (one per core is what concurrent chunks take).
    private let keep = max(2, ProcessInfo.processInfo.activeProcessorCount)

    func take() -> UnsafeMutablePointer<UInt8> {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? .allocate(capacity: Self.capacity)
    }

    func give(_ buffer: UnsafeMutablePointer<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        if free.count < keep { free.append(buffer) } else { buffer.deallocate() }
    }
}
