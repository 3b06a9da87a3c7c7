#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes to a file, with allocation-free number formatting.
public final class ByteWriter {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    public private(set) var bytesWritten = 0
    /// Bytes written so far, including the unflushed buffer.
    public var size: Int { bytesWritten + buffer.count }
    private let path: String

    public init(path: String) throws {
        guard let file = fopen(path, "wb") else { throw BenchmarkError("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.file = file
        self.path = path
        buffer.reserveCapacity(1 << 22)
    }

    @inline(__always) public func byte(_ b: UInt8) { buffer.append(b) }
    public func bytes(_ b: [UInt8]) { buffer.append(contentsOf: b) }
    public func text(_ s: String) { buffer.append(contentsOf: s.utf8) }

    /// A non-negative integer in decimal.
    @inline(__always) public func int(_ value: Int) {
        precondition(value >= 0)
        if value < 10 { buffer.append(UInt8(truncatingIfNeeded: 48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value, count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 { d[count] = UInt8(truncatingIfNeeded: 48 + n % 10); n /= 10; count += 1 }
            for k in stride(from: count - 1, through: 0, by: -1) { buffer.append(d[k]) }
        }
    }

    /// A non-negative amount with two decimals, from cents.
    public func cents(_ value: Int) {
        int(value / 100)
        byte(UInt8(ascii: "."))
        byte(UInt8(truncatingIfNeeded: 48 + (value % 100) / 10))
        byte(UInt8(truncatingIfNeeded: 48 + value % 10))
    }

    /// Flushes when the buffer is large; call once per row.
    @inline(__always) public func endRow() {
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 22 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        precondition(written == buffer.count, "short write to \(path)")
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws {
        flush()
        guard fclose(file) == 0 else { throw BenchmarkError("cannot close \(path): \(String(cString: strerror(errno)))") }
    }
}

public struct BenchmarkError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

