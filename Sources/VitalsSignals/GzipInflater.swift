#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// Why a gzip-compressed signals file could not be decompressed.
enum GzipDamage: Error, Equatable {
    /// The first bytes are not gzip's magic number (0x1F 0x8B).
    case notGzip
    /// The compressed data ends before its last member does: the file was cut short.
    case truncated
    /// zlib found the data inconsistent (a bad block, a wrong check value), with its message.
    case corrupt(String)
    /// Bytes after the last member that are neither another member nor zero padding.
    case trailingGarbage

    /// A sentence for the person fixing the export.
    var message: String {
        switch self {
        case .notGzip: return "the file is named .gz but is not gzip-compressed; rename it to end in .csv, or compress it with gzip"
        case .truncated: return "the gzip data ends early: the file was cut short (copy or download it again)"
        case .corrupt(let reason): return "the gzip data is damaged (\(reason)); compress the export again"
        case .trailingGarbage: return "bytes that are not gzip data follow the compressed data; compress the export again"
        }
    }
}

/// Streaming gzip decompression (RFC 1952) of one file through zlib's `inflate`.
///
/// Members are decompressed one after another, as `gzip -d` does, so a concatenation of gzip
/// files (`cat a.gz b.gz`, or a parallel compressor's output) reads as the concatenation of their
/// texts; zero bytes after the last member (block padding) are ignored. Any other damage is
/// thrown as `GzipDamage` once the text before it has been returned.
///
/// - Complexity: O(compressed + decompressed bytes); memory: zlib's 32 KiB window plus a 256 KiB input buffer.
final class GzipInflater: @unchecked Sendable {  // used by one thread at a time
    private let fd: Int32
    private let path: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 1 << 18
    private var inputAtEnd = false
    /// The current member ended; another may follow.
    private var memberEnded = false
    private var finished = false
    private var sawAnyInput = false
    /// Decompressed bytes returned so far.
    private(set) var bytesProduced = 0

    /// Opens `path` for decompression.
    init(path: String) throws(SignalsIOError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SignalsIOError(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        self.path = path
        input = .allocate(capacity: inputCapacity)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: the largest window, gzip framing only (a zlib or raw stream is not a .gz file).
        let status = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            close(fd)
            input.deallocate()
            stream.deallocate()
            throw SignalsIOError(path: path, reason: "zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
        close(fd)
    }

    /// Decompresses up to `count` bytes into `out`. Returns how many were written; 0 only at the
    /// end of the text.
    func read(into out: UnsafeMutablePointer<UInt8>, count: Int) throws(SignalsIOError) -> Int {
        if let pending { throw pending }
        var produced = 0
        do {
            try decompress(into: out, count: count, produced: &produced)
        } catch {
            // The text before the damage is returned first; the damage comes with the next call.
            guard produced > 0 else { throw error }
            pending = error
        }
        bytesProduced += produced
        return produced
    }

    /// A damage found after some text was decompressed, thrown by the next `read`.
    private var pending: SignalsIOError?

    private func decompress(into out: UnsafeMutablePointer<UInt8>, count: Int, produced: inout Int) throws(SignalsIOError) {
        while produced < count, !finished {
            if stream.pointee.avail_in == 0, !inputAtEnd { try refillInput() }
            if memberEnded {
                guard stream.pointee.avail_in > 0 else {
                    if inputAtEnd { finished = true }
                    continue
                }
                if stream.pointee.next_in[0] != 0x1F {
                    // Not another member: only zero padding may follow.
                    try skipZeroPadding()
                    finished = true
                    continue
                }
                inflateReset(stream)
                memberEnded = false
            }
            if !sawAnyInput, stream.pointee.avail_in > 0 {
                sawAnyInput = true
                if stream.pointee.avail_in >= 2, stream.pointee.next_in[0] != 0x1F || stream.pointee.next_in[1] != 0x8B {
                    throw damage(.notGzip)
                }
            }
            stream.pointee.next_out = out + produced
            stream.pointee.avail_out = UInt32(min(count - produced, Int(UInt32.max)))
            let before = stream.pointee.avail_out
            let status = inflate(stream, Z_NO_FLUSH)
            produced += Int(before - stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK:
                break
            case Z_BUF_ERROR:
                // No progress was possible: input is needed and there is none left.
                if stream.pointee.avail_in == 0, inputAtEnd { throw damage(.truncated) }
            case Z_DATA_ERROR:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw damage(reason == "incorrect header check" ? .notGzip : .corrupt(reason))
            case Z_MEM_ERROR:
                throw SignalsIOError(path: path, reason: "out of memory while decompressing")
            default:
                throw damage(.corrupt("zlib status \(status)"))
            }
        }
    }

    /// Decompresses and drops the first `count` bytes of the text.
    func skip(_ count: Int) throws(SignalsIOError) {
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { scratch.deallocate() }
        var left = count
        while left > 0 {
            let n = try read(into: scratch, count: min(left, 1 << 16))
            if n == 0 { throw SignalsIOError(path: path, reason: "the decompressed text is shorter than when it was first read") }
            left -= n
        }
    }

    private func refillInput() throws(SignalsIOError) {
        while true {
            let n = systemRead(fd, input, inputCapacity)
            if n > 0 {
                stream.pointee.next_in = input
                stream.pointee.avail_in = UInt32(n)
                return
            }
            if n == 0 {
                inputAtEnd = true
                if !sawAnyInput { throw damage(.truncated) }  // an empty file is no gzip stream at all
                return
            }
            if errno == EINTR { continue }
            throw SignalsIOError(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func skipZeroPadding() throws(SignalsIOError) {
        while true {
            let p = stream.pointee.next_in!, n = Int(stream.pointee.avail_in)
            for k in 0..<n where p[k] != 0 { throw damage(.trailingGarbage) }
            stream.pointee.avail_in = 0
            if inputAtEnd { return }
            try refillInput()
            if stream.pointee.avail_in == 0 { return }
        }
    }

    private func damage(_ kind: GzipDamage) -> SignalsIOError {
        finished = true
        return SignalsIOError(path: path, damagedCompression: kind.message)
    }
}
