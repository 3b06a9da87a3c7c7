#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CISAL

/// Why a gzip-compressed signals file could not be decompressed.
enum GzipDamage: Error, Equatable {
    /// The first bytes are not gzip's magic number (0x1F 0x8B).
    case notGzip
    /// The compressed data ends before its last member does: the file was cut short.
    case truncated
    /// The inflater found the data inconsistent (a bad block, a wrong check value), with what it found.
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

/// Streaming gzip decompression (RFC 1952) of one file through ISA-L's `isal_inflate`, which
/// parses each member's header and checks its trailer (CRC-32 and length).
///
/// Members are decompressed one after another, as `gzip -d` does, so a concatenation of gzip
/// files (`cat a.gz b.gz`, or a parallel compressor's output) reads as the concatenation of their
/// texts; zero bytes after the last member (block padding) are ignored. Any other damage is
/// thrown as `GzipDamage` once the text before it has been returned.
///
/// - Complexity: O(compressed + decompressed bytes); memory: ISA-L's state (its 32 KiB window
///   and tables, about 0.2 MB) plus a 256 KiB input buffer.
final class GzipInflater: @unchecked Sendable {  // used by one thread at a time
    private let fd: Int32
    private let path: String
    private let state: UnsafeMutablePointer<inflate_state>
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
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
        // A gzip member: header parsed, CRC-32 and length checked (a zlib or raw stream is not a .gz file).
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
    }

    deinit {
        state.deallocate()
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
            if state.pointee.avail_in == 0, !inputAtEnd { try refillInput() }
            if memberEnded {
                guard state.pointee.avail_in > 0 else {
                    if inputAtEnd { finished = true }
                    continue
                }
                if state.pointee.next_in[0] != 0x1F {
                    // Not another member: only zero padding may follow.
                    try skipZeroPadding()
                    finished = true
                    continue
                }
                // The input left after the trailer stays where it is: the next member starts there.
                isal_inflate_reset(state)
                state.pointee.crc_flag = UInt32(ISAL_GZIP)
                memberEnded = false
            }
            if !sawAnyInput, state.pointee.avail_in > 0 {
                sawAnyInput = true
                if state.pointee.avail_in >= 2, state.pointee.next_in[0] != 0x1F || state.pointee.next_in[1] != 0x8B {
                    throw damage(.notGzip)
                }
            }
            state.pointee.next_out = out + produced
            state.pointee.avail_out = UInt32(min(count - produced, Int(UInt32.max)))
            let outBefore = state.pointee.avail_out, inBefore = state.pointee.avail_in
            let status = isal_inflate(state)
            produced += Int(outBefore - state.pointee.avail_out)
            switch status {
            case ISAL_DECOMP_OK:
                if state.pointee.block_state == ISAL_BLOCK_FINISH {
                    memberEnded = true
                } else if state.pointee.avail_out == outBefore, state.pointee.avail_in == inBefore {
                    // No progress: more input is needed. None left means the file was cut short;
                    // otherwise the few bytes held are joined by the next read's (never a loop).
                    if inputAtEnd { throw damage(.truncated) }
                    try topUpInput()
                }
            case ISAL_INVALID_WRAPPER, ISAL_UNSUPPORTED_METHOD:
                throw damage(.notGzip)
            case ISAL_INVALID_BLOCK: throw damage(.corrupt("invalid block"))
            case ISAL_INVALID_SYMBOL: throw damage(.corrupt("invalid code"))
            case ISAL_INVALID_LOOKBACK: throw damage(.corrupt("invalid distance too far back"))
            case ISAL_INCORRECT_CHECKSUM: throw damage(.corrupt("incorrect data check"))
            default:
                throw damage(.corrupt("ISA-L status \(status)"))
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
                state.pointee.next_in = input
                state.pointee.avail_in = UInt32(n)
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

    /// Moves the input not yet consumed to the buffer's start and reads more after it.
    private func topUpInput() throws(SignalsIOError) {
        let left = Int(state.pointee.avail_in)
        if left > 0, state.pointee.next_in != input { input.update(from: state.pointee.next_in, count: left) }
        while true {
            let n = systemRead(fd, input + left, inputCapacity - left)
            if n > 0 {
                state.pointee.next_in = input
                state.pointee.avail_in = UInt32(left + n)
                return
            }
            if n == 0 {
                inputAtEnd = true
                state.pointee.next_in = input
                state.pointee.avail_in = UInt32(left)
                return
            }
            if errno == EINTR { continue }
            throw SignalsIOError(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func skipZeroPadding() throws(SignalsIOError) {
        while true {
            let p = state.pointee.next_in!, n = Int(state.pointee.avail_in)
            for k in 0..<n where p[k] != 0 { throw damage(.trailingGarbage) }
            state.pointee.avail_in = 0
            if inputAtEnd { return }
            try refillInput()
            if state.pointee.avail_in == 0 { return }
        }
    }

    private func damage(_ kind: GzipDamage) -> SignalsIOError {
        finished = true
        return SignalsIOError(path: path, damagedCompression: kind.message)
    }
}
