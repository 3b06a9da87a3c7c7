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
///   so a 10 MB field costs O(log(10 MB / chunk)) rescans, not O(n²).
/// - Line numbers are physical: a record whose quoted field spans three lines
///   moves the next record's line by three.
public final class CSVScanner {
    private let fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var filled = 0
    private var position = 0
    private var atEOF = false

    /// The physical line on which the next record starts (1-based).
    private var nextLine = 1
    /// Total bytes read so far.
    public private(set) var bytesRead = 0

    // The current record (valid after `next()` returned true).
    /// The physical line on which the current record starts.
    public private(set) var recordLine = 0
    /// The number of fields in the current record.
    public private(set) var fieldCount = 0
    private var starts: [Int] = []
    private var ends: [Int] = []
    private var escaped: [Bool] = []
    /// The first structural fault in the current record and the 0-based field where it happened.
    public private(set) var fault: (kind: CSVFault, field: Int, line: Int)?

    /// Opens `path` for scanning; `chunkSize` bytes are read per call (default 1 MiB, at least 64).
    public init(path: String, chunkSize: Int = 1 << 20) throws(SignalsIOError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SignalsIOError(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        self.capacity = max(chunkSize, 64)
        self.buffer = .allocate(capacity: capacity)
        self.path = path
        try refill()
        if filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
    }

    private let path: String

    deinit {
        buffer.deallocate()
        close(fd)
    }

    /// The bytes of field `index` of the current record, unquoted and unescaped.
    @inline(__always)
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buffer + starts[index], count: ends[index] - starts[index])
    }

    /// Field `index` of the current record decoded as UTF-8 (invalid bytes replaced).
    public func string(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    /// Every field of the current record as a `String`; for tests and small files, not hot paths.
    public var fields: [String] { (0..<fieldCount).map(string) }

    /// Frames the next record. Returns `false` at the end of the file.
    public func next() throws(SignalsIOError) -> Bool {
        while true {
            switch scanRecord() {
            case .record(let end, let lines):
                position = end
                recordLine = nextLine
                nextLine += lines
                unescapeFields()
                return true
            case .endOfFile:
                return false
            case .needMoreData:
                try refill()
            }
        }
    }

    private enum ScanResult {
        case record(end: Int, lines: Int)
        case needMoreData
        case endOfFile
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
        newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    @inline(__always)
    private func appendField(_ start: Int, _ end: Int, escaped isEscaped: Bool) {
        if fieldCount < starts.count {
            starts[fieldCount] = start
            ends[fieldCount] = end
            escaped[fieldCount] = isEscaped
        } else {
            starts.append(start)
            ends.append(end)
            escaped.append(isEscaped)
        }
        fieldCount += 1
    }

    @inline(__always)
    private func noteFault(_ kind: CSVFault, field: Int, lines: Int) {
        if fault == nil { fault = (kind, field, nextLine + lines) }
    }

    /// Scans one record from `position`. Restarts from scratch after a refill, so
    /// it keeps no state between calls except the skipped blank lines.
    private func scanRecord() -> ScanResult {
        let b = buffer
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
            nextLine += 1
        }

        fieldCount = 0
        fault = nil
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
                        fault = (.unterminatedQuote, fieldCount, nextLine + openingLine)  // fatal, so it wins
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
        for k in 0..<fieldCount where escaped[k] {
            var read = starts[k], write = starts[k]
            let end = ends[k]
            while read < end {
                let c = buffer[read]
                buffer[write] = c
                write += 1
                read += (c == Self.quote && read + 1 < end && buffer[read + 1] == Self.quote) ? 2 : 1
            }
            ends[k] = write
            escaped[k] = false
        }
    }

    /// Moves the unread tail to the front, grows the buffer when one record fills it, and reads more.
    private func refill() throws(SignalsIOError) {
        if position > 0 {
            let tail = filled - position
            if tail > 0 { memmove(buffer, buffer + position, tail) }
            filled = tail
            position = 0
        }
        if filled == capacity {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        }
        while true {
            let n = read(fd, buffer + filled, capacity - filled)
            if n > 0 {
                filled += n
                bytesRead += n
                return
            }
            if n == 0 {
                atEOF = true
                return
            }
            if errno == EINTR { continue }
            throw SignalsIOError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// A file or directory that could not be opened or read.
public struct SignalsIOError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}
