#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A structural fault in the CSV text itself, before any column typing.
public enum CSVFault: String, Sendable, Equatable {
    /// A quoted field that runs to the end of the file. Fatal: nothing after it can be framed.
    case unterminatedQuote
    /// A `"` inside a field that did not start with one.
    case strayQuote
    /// Something other than `,` or a line end right after a closing quote.
    case textAfterClosingQuote
    /// A NUL byte, which no text export contains.
    case nulByte
    /// A `\r` not followed by `\n`: line ends must be `\n` or `\r\n`.
    case bareCarriageReturn
    /// A record longer than the scanner's `maxRecordBytes`. Fatal, like an unterminated quote:
    /// the scanner stops rather than buffer an unbounded record.
    case rowTooLong

    /// Whether nothing after the fault can be read (the scanner stops there).
    public var stopsFile: Bool { self == .unterminatedQuote || self == .rowTooLong }
}

/// A streaming RFC 4180 scanner over the bytes of one file.
///
/// It reads the file in chunks into one buffer and frames records without
/// copying: each field is a byte range of the buffer, valid until the next call
/// to `next()`. Quoted fields may hold commas, `""` escapes and line breaks;
/// records end with `\n` or `\r\n` or the end of the file; a UTF-8 BOM is
/// skipped; empty lines between records are skipped.
///
/// - Complexity: O(bytes). A record longer than the buffer doubles the buffer,
///   so a long record costs O(log(length / chunk)) rescans, not O(n²).
/// - Memory: at most about `2 × max(chunkSize, maxRecordBytes)`. A record whose bytes (not
///   counting its line end) exceed `maxRecordBytes` is reported as `.rowTooLong` and the
///   scan stops there: a binary file or a quote left open cannot make it buffer the file.
/// - Line numbers are physical: a record whose quoted field spans three lines
///   moves the next record's line by three.
public final class CSVScanner {
    private let source: ByteSource
    // Unchecked exclusivity: the scanner is used from one thread, and the runtime checks on these
    // class properties cost more than the scanning itself (perf: about 60 % of the scan).
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var filled = 0
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var atEOF = false

    /// The physical line on which the next record starts (1-based).
    @exclusivity(unchecked) private var nextLine = 1
    /// Total bytes read so far.
    public private(set) var bytesRead = 0
    /// The file offset of `buffer[0]`.
    @exclusivity(unchecked) private var bufferOffset = 0
    /// The file offset at which the current record starts.
    @exclusivity(unchecked) public private(set) var recordOffset = 0
    /// The file offset just past the current record (where the next one, or a blank line, starts).
    public var endOffset: Int { bufferOffset + position }
    /// The physical line on which the next record would start, counting from the first line given.
    public var lineAfterRecord: Int { nextLine }

    // The current record (valid after `next()` returned true).
    /// The physical line on which the current record starts.
    @exclusivity(unchecked) public private(set) var recordLine = 0
    /// The number of fields in the current record.
    public var fieldCount: Int { fieldList.count }
    // Raw pointers rather than arrays, and loaded into locals in the hot loop: arrays stored in a
    // class cost a retain and a dynamic exclusivity check per access, which dominated the profile.
    @exclusivity(unchecked) private var fieldList = FieldList()
    /// The first structural fault in the current record and the 0-based field where it happened.
    @exclusivity(unchecked) public private(set) var fault: (kind: CSVFault, field: Int, line: Int)?
    /// The default `maxRecordBytes`: 1 MiB, far beyond any row of the signal files.
    public static let defaultMaxRecordBytes = 1 << 20
    /// The longest record accepted, in bytes without its line end.
    public let maxRecordBytes: Int
    /// Set after a fault that stops the file; `next()` then returns `false`.
    private var stopped = false

    /// Opens `path` for scanning; `chunkSize` bytes are read per call (default 1 MiB, at least 64).
    /// A `.gz` file is decompressed as it is read (`SignalsCompression`), on a thread of its own
    /// when `readAhead` is on; offsets and lines then count the decompressed text.
    ///
    /// With `offset` > 0 the scan starts there (which must be the start of a record or a blank
    /// line), counting lines from `line`; a UTF-8 BOM is only skipped at offset 0.
    /// `maxRecordBytes` (default 1 MiB, at least 64) bounds one record.
    public init(path: String, chunkSize: Int = 1 << 20, offset: Int = 0, line: Int = 1,
                maxRecordBytes: Int = CSVScanner.defaultMaxRecordBytes, readAhead: Bool = true) throws(SignalsIOError) {
        source = try SignalsCompression(path: path).openSource(path: path, offset: offset, readAhead: readAhead)
        self.capacity = max(chunkSize, 64)
        self.maxRecordBytes = max(maxRecordBytes, 64)
        self.buffer = .allocate(capacity: capacity)
        self.path = path
        bufferOffset = max(0, offset)
        nextLine = line
        try refill()
        if offset == 0, filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
    }

    /// The file being scanned.
    public let path: String

    deinit {
        buffer.deallocate()
        fieldList.deallocate()
    }

    /// The bytes of field `index` of the current record, unquoted and unescaped.
    @inline(__always)
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(index >= 0 && index < fieldList.count, "field index out of range")
        let start = fieldList.bounds[2 * index], end = fieldList.bounds[2 * index + 1]
        return UnsafeBufferPointer(start: buffer + start, count: end - start)
    }

    /// Field `index` of the current record decoded as UTF-8 (invalid bytes replaced).
    public func string(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    /// Every field of the current record as a `String`; for tests and small files, not hot paths.
    public var fields: [String] { (0..<fieldCount).map(string) }

    /// Frames the next record. Returns `false` at the end of the file.
    public func next() throws(SignalsIOError) -> Bool {
        if stopped { return false }
        while true {
            switch scanRecord() {
            case .record(let end, let lines):
                recordOffset = bufferOffset + position
                let tooLong = contentLength(from: position, to: end) > maxRecordBytes
                position = end
                recordLine = nextLine
                nextLine += lines
                unescapeFields()
                if tooLong { stop(.rowTooLong) }
                if let fault, fault.kind.stopsFile { stopped = true }
                return true
            case .endOfFile:
                return false
            case .blankLine:
                nextLine += 1
            case .needMoreData:
                // An unfinished record: every byte so far but a pending \r is its content.
                if filled - position - 1 > maxRecordBytes {
                    recordOffset = bufferOffset + position
                    recordLine = nextLine
                    fieldList.count = 0
                    stop(.rowTooLong)
                    return true
                }
                try refill()
            }
        }
    }

    /// Reports `kind` for the current record, at its first line, and ends the scan.
    private func stop(_ kind: CSVFault) {
        fault = (kind, 0, recordLine)
        stopped = true
    }

    /// The bytes of the record in buffer[start..<end] without its line end.
    private func contentLength(from start: Int, to end: Int) -> Int {
        var length = end - start
        if length > 0, buffer[end - 1] == Self.newline {
            length -= 1
            if length > 0, buffer[end - 2] == Self.carriageReturn { length -= 1 }
        }
        return length
    }

    private enum ScanResult {
        case record(end: Int, lines: Int)
        case blankLine
        case needMoreData
        case endOfFile
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
        newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    /// Scans one record from `position`. Restarts from scratch after a refill, so
    /// it keeps no state between calls except the skipped blank lines.
    private func scanRecord() -> ScanResult {
        let b = buffer, filled = self.filled, atEOF = self.atEOF
        var fields = fieldList
        var fault: (kind: CSVFault, field: Int, line: Int)? = nil
        let firstLine = nextLine
        defer {
            fieldList = fields
            self.fault = fault
        }
        @inline(__always) func appendField(_ start: Int, _ end: Int, escaped: Bool) {
            fields.append(start, end, escaped: escaped)
        }
        @inline(__always) func noteFault(_ kind: CSVFault, field: Int, lines: Int) {
            if fault == nil { fault = (kind, field, firstLine + lines) }
        }
        var fieldCount: Int { fields.count }
        var i = position
        // Skip empty lines before the record.
        while true {
            if i >= filled { return atEOF ? .endOfFile : .needMoreData }
            if b[i] == Self.newline {
                i += 1
            } else if b[i] == Self.carriageReturn {
                if i + 1 >= filled && !atEOF { return .needMoreData }
                guard i + 1 < filled, b[i + 1] == Self.newline else { break }
                i += 2
            } else {
                break
            }
            position = i
            return .blankLine
        }

        fields.count = 0
        var lines = 0
        while true {
            // One field starts at i.
            if i < filled, b[i] == Self.quote {
                i += 1
                let contentStart = i
                var hasEscape = false
                let openingLine = lines
                while true {
                    if i >= filled {
                        if !atEOF { return .needMoreData }
                        // The quote never closes: frame what there is and stop the file here.
                        fault = (.unterminatedQuote, fieldCount, firstLine + openingLine)  // fatal, so it wins
                        appendField(contentStart, i, escaped: false)
                        return .record(end: i, lines: lines)
                    }
                    let c = b[i]
                    if c == Self.quote {
                        if i + 1 >= filled && !atEOF { return .needMoreData }
                        if i + 1 < filled && b[i + 1] == Self.quote {
                            hasEscape = true
                            i += 2
                            continue
                        }
                        break
                    }
                    if c == Self.newline { lines += 1 } else if c == 0 { noteFault(.nulByte, field: fieldCount, lines: lines) }
                    i += 1
                }
                appendField(contentStart, i, escaped: hasEscape)
                i += 1  // the closing quote
                // After a closing quote only a delimiter or a line end may follow.
                var junk = false
                while true {
                    if i >= filled {
                        if !atEOF { return .needMoreData }
                        return .record(end: i, lines: lines)
                    }
                    let c = b[i]
                    if c == Self.comma { i += 1; break }
                    if c == Self.newline { return .record(end: i + 1, lines: lines + 1) }
                    if c == Self.carriageReturn {
                        if i + 1 >= filled && !atEOF { return .needMoreData }
                        if i + 1 < filled && b[i + 1] == Self.newline { return .record(end: i + 2, lines: lines + 1) }
                    }
                    if !junk {
                        noteFault(.textAfterClosingQuote, field: fieldCount - 1, lines: lines)
                        junk = true
                    }
                    i += 1
                }
                if i >= filled, atEOF {
                    // "a,b," at the very end: the trailing comma opens one last empty field.
                    appendField(i, i, escaped: false)
                    return .record(end: i, lines: lines)
                }
                continue
            }

            // An unquoted field: every special byte is below 45 ("-"), so most bytes take one compare.
            let start = i
            while true {
                if i >= filled {
                    if !atEOF { return .needMoreData }
                    appendField(start, i, escaped: false)
                    return .record(end: i, lines: lines)
                }
                let c = b[i]
                if c >= 45 { i += 1; continue }
                if c == Self.comma {
                    appendField(start, i, escaped: false)
                    i += 1
                    if i >= filled, atEOF {
                        appendField(i, i, escaped: false)
                        return .record(end: i, lines: lines)
                    }
                    break
                }
                if c == Self.newline {
                    appendField(start, i, escaped: false)
                    return .record(end: i + 1, lines: lines + 1)
                }
                if c == Self.carriageReturn {
                    if i + 1 >= filled && !atEOF { return .needMoreData }
                    if i + 1 < filled && b[i + 1] == Self.newline {
                        appendField(start, i, escaped: false)
                        return .record(end: i + 2, lines: lines + 1)
                    }
                    noteFault(.bareCarriageReturn, field: fieldCount, lines: lines)
                } else if c == Self.quote {
                    noteFault(.strayQuote, field: fieldCount, lines: lines)
                } else if c == 0 {
                    noteFault(.nulByte, field: fieldCount, lines: lines)
                }
                i += 1
            }
        }
    }

    /// Turns `""` into `"` in place; the unescaped text is never longer than the escaped.
    private func unescapeFields() {
        let fields = fieldList
        for k in 0..<fields.count where fields.escaped[k] {
            var read = fields.bounds[2 * k], write = read
            let end = fields.bounds[2 * k + 1]
            while read < end {
                let c = buffer[read]
                buffer[write] = c
                write += 1
                read += (c == Self.quote && read + 1 < end && buffer[read + 1] == Self.quote) ? 2 : 1
            }
            fields.bounds[2 * k + 1] = write
            fields.escaped[k] = false
        }
    }

    /// Moves the unread tail to the front, grows the buffer when one record fills it, and reads more.
    private func refill() throws(SignalsIOError) {
        if position > 0 {
            let tail = filled - position
            if tail > 0 { memmove(buffer, buffer + position, tail) }
            filled = tail
            bufferOffset += position
            position = 0
        }
        if filled == capacity {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        }
        let n = try source.read(into: buffer + filled, count: capacity - filled)
        if n > 0 {
            filled += n
            bytesRead += n
        } else {
            atEOF = true
        }
    }
}

/// A file or directory that could not be opened or read.
public struct SignalsIOError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// The file is a damaged compressed file (cut short, corrupt, not gzip at all): a problem
    /// with the data, which the reader reports as `SignalsRule.damagedCompression`, not a failure to read.
    public let isDamagedCompression: Bool
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
        isDamagedCompression = false
    }
    init(path: String, damagedCompression reason: String) {
        self.path = path
        self.reason = reason
        isDamagedCompression = true
    }
    public var description: String { "\(path): \(reason)" }
}

/// The field boundaries of one record: (start, end) byte offsets into the
/// scanner's buffer, and whether the field holds `""` escapes. Grows by doubling.
private struct FieldList {
    var bounds = UnsafeMutablePointer<Int>.allocate(capacity: 2 * 16)
    var escaped = UnsafeMutablePointer<Bool>.allocate(capacity: 16)
    var capacity = 16
    var count = 0

    @inline(__always)
    mutating func append(_ start: Int, _ end: Int, escaped isEscaped: Bool) {
        if count == capacity { grow() }
        bounds[2 * count] = start
        bounds[2 * count + 1] = end
        escaped[count] = isEscaped
        count += 1
    }

    private mutating func grow() {
        let newBounds = UnsafeMutablePointer<Int>.allocate(capacity: 4 * capacity)
        newBounds.update(from: bounds, count: 2 * count)
        let newEscaped = UnsafeMutablePointer<Bool>.allocate(capacity: 2 * capacity)
        newEscaped.update(from: escaped, count: count)
        bounds.deallocate()
        escaped.deallocate()
        bounds = newBounds
        escaped = newEscaped
        capacity *= 2
    }

    func deallocate() {
        bounds.deallocate()
        escaped.deallocate()
    }
}
