#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// How a signals file is stored: `NAME.csv` as it is, or `NAME.csv.gz` compressed with gzip.
/// Decided by the name alone, in this one place.
public enum SignalsCompression: Sendable, Equatable {
    case none
    case gzip

    /// The compression a file's name says: `.gz` at the end means gzip.
    public init(path: String) { self = path.hasSuffix(".gz") ? .gzip : .none }

    /// The name's ending after `.csv`.
    public var suffix: String { self == .gzip ? ".gz" : "" }

    /// A source of the file's text from `offset` on (an offset in the text, after decompression).
    func openSource(path: String, offset: Int, readAhead: Bool) throws(SignalsIOError) -> ByteSource {
        switch self {
        case .none: return try FileByteSource(path: path, offset: offset)
        case .gzip: return try GzipByteSource(path: path, offset: offset, readAhead: readAhead)
        }
    }
}

/// Where a scanner's bytes come from: `read` fills `buffer` with up to `count` bytes of text
/// and returns how many; 0 only at the end.
protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws(SignalsIOError) -> Int
}

/// A plain file, read with `read(2)`.
final class FileByteSource: ByteSource {
    private let fd: Int32
    private let path: String

    init(path: String, offset: Int) throws(SignalsIOError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SignalsIOError(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        self.path = path
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) != off_t(offset) {
            throw SignalsIOError(path: path, reason: String(cString: strerror(errno)))  // deinit closes
        }
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws(SignalsIOError) -> Int {
        while true {
            let n = systemRead(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SignalsIOError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// A gzip-compressed file's text. With `readAhead`, a thread of its own decompresses up to
/// four 1 MiB blocks ahead of the reader, so decompressing and scanning share the cores.
final class GzipByteSource: ByteSource {
    private typealias Block = (bytes: [UInt8], count: Int)
    private let inflater: GzipInflater?
    private let queue: BlockQueue<Result<Block, SignalsIOError>>?
    /// Blocks the reader is done with, for the decompressing thread to fill again: fresh pages
    /// cost more than the copying (perf: the kernel zeroing them was a fifth of a gzip read).
    private let spent = BlockQueue<[UInt8]>(capacity: 6)
    private var block: Block = ([], 0)
    private var position = 0
    private var ended = false
    private static let blockBytes = 1 << 20

    init(path: String, offset: Int, readAhead: Bool) throws(SignalsIOError) {
        let inflater = try GzipInflater(path: path)
        if readAhead {
            let queue = BlockQueue<Result<Block, SignalsIOError>>(capacity: 4)
            self.queue = queue
            self.inflater = nil
            let spent = self.spent
            let thread = Thread {
                // The text decompressed before any damage is handed over first, then the damage,
                // so the scanner stops at the first line not read whole.
                var failure: SignalsIOError?
                do throws(SignalsIOError) { try inflater.skip(offset) } catch { failure = error }
                while failure == nil {
                    var bytes = spent.poll() ?? [UInt8](repeating: 0, count: Self.blockBytes)
                    var filled = 0
                    bytes.withUnsafeMutableBufferPointer { b in
                        do throws(SignalsIOError) {
                            while filled < b.count {
                                let got = try inflater.read(into: b.baseAddress! + filled, count: b.count - filled)
                                if got == 0 { break }
                                filled += got
                            }
                        } catch {
                            failure = error
                        }
                    }
                    if filled == 0 { break }
                    guard queue.put(.success((bytes, filled))) else { return }  // the reader stopped
                    if filled < Self.blockBytes { break }
                }
                if let failure { _ = queue.put(.failure(failure)) }
                queue.close()
            }
            thread.start()
        } else {
            try inflater.skip(offset)
            self.inflater = inflater
            queue = nil
        }
    }

    deinit {
        queue?.cancel()
        spent.cancel()
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws(SignalsIOError) -> Int {
        guard let queue else { return try inflater!.read(into: buffer, count: count) }
        var produced = 0
        while produced < count, !ended {
            if position == block.count {
                // What is here goes first: a damage after it must not swallow it.
                if produced > 0 { break }
                guard let next = queue.take() else { ended = true; break }
                if block.bytes.count == Self.blockBytes { _ = spent.offer(block.bytes) }
                block = try next.get()
                position = 0
                continue
            }
            let n = min(count - produced, block.count - position)
            block.bytes.withUnsafeBufferPointer { (buffer + produced).update(from: $0.baseAddress! + position, count: n) }
            position += n
            produced += n
        }
        return produced
    }
}

/// Items handed from one producing thread to consumers, at most `capacity` waiting: `put`
/// waits while the queue is full, `take` while it is empty and open.
final class BlockQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    /// At most `capacity` items (a handful), so taking from the front is cheap.
    private var items: [Element] = []
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Adds `item`, waiting for room. Returns `false` (dropping it) once the queue is cancelled.
    func put(_ item: Element) -> Bool { add(item, wait: true) }

    /// Adds `item` if there is room now; `false` (dropping it) otherwise.
    func offer(_ item: Element) -> Bool { add(item, wait: false) }

    /// The next item if one is waiting now.
    func poll() -> Element? { remove(wait: false) }

    /// The next item, waiting for one; `nil` once the queue is closed and drained, or cancelled.
    func take() -> Element? { remove(wait: true) }

    private func add(_ item: Element, wait: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while wait, items.count >= capacity, !cancelled { condition.wait() }
        guard items.count < capacity, !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    private func remove(wait: Bool) -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while wait, items.isEmpty, !closed, !cancelled { condition.wait() }
        guard !items.isEmpty, !cancelled else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// No more items will be put.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumers are gone: producers stop, and whatever waits is dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// `read(2)`, named apart from the methods called `read`.
func systemRead(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(fd, buffer, count)
}
