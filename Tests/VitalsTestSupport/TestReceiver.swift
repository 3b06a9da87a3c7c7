import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 receiver on 127.0.0.1 and an ephemeral port, over POSIX sockets, for
/// webhook tests: it records each request and answers them in the order of its script
/// (a status, or a hang: read the request and never answer), then 200 when the script is
/// spent. Every answer closes the connection. Not a server for anything else.
public final class TestReceiver: @unchecked Sendable {
    public enum Answer: Sendable, Equatable {
        case status(Int)
        /// Read the request, keep the connection open, never answer.
        case hang
    }

    public struct Request: Sendable {
        public let method: String
        public let path: String
        /// Header names lowercased.
        public let headers: [String: String]
        public let body: Data
    }

    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)/hook" }

    private let listener: Int32
    private let lock = NSLock()
    private var script: [Answer]
    private var received: [Request] = []
    private var hung: [Int32] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// Starts listening; `script` answers the first requests, 200 the rest.
    public init(script: [Answer] = []) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// The requests received so far, in order.
    public var requests: [Request] {
        lock.lock(); defer { lock.unlock() }
        return received
    }

    /// Stops listening and closes every connection left hanging.
    public func stop() {
        lock.lock()
        let already = stopping
        stopping = true
        lock.unlock()
        guard !already else { return }
        finished.wait()
        lock.lock()
        for fd in hung { close(fd) }
        hung = []
        lock.unlock()
        close(listener)
    }

    deinit { stop() }

    private var isStopping: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopping
    }

    private func serve() {
        defer { finished.signal() }
        while !isStopping {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            handle(connection)
        }
    }

    private func handle(_ fd: Int32) {
        guard let request = read(fd) else { close(fd); return }
        lock.lock()
        received.append(request.request)
        let answer = script.isEmpty ? .status(200) : script.removeFirst()
        lock.unlock()
        switch answer {
        case .hang:
            lock.lock(); hung.append(fd); lock.unlock()
        case let .status(code):
            write(fd, "HTTP/1.1 \(code) \(code < 300 ? "OK" : "Not OK")\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            close(fd)
        }
    }

    private func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }

    /// Reads one request (headers, then Content-Length bytes of body); nil if the client goes
    /// away first or takes more than five seconds.
    private func read(_ fd: Int32) -> (request: Request, Void)? {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var continued = false
        while true {
            if headerEnd == nil, let range = Self.find([13, 10, 13, 10], in: buffer) { headerEnd = range }
            if let end = headerEnd {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                let lines = head.components(separatedBy: "\r\n")
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                if headers["expect"]?.lowercased() == "100-continue", !continued {
                    write(fd, "HTTP/1.1 100 Continue\r\n\r\n")
                    continued = true
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                if buffer.count - (end + 4) >= length {
                    let parts = (lines.first ?? "").split(separator: " ")
                    let body = Data(buffer[(end + 4)..<(end + 4 + length)])
                    return (Request(method: parts.first.map(String.init) ?? "", path: parts.count > 1 ? String(parts[1]) : "", headers: headers, body: body), ())
                }
            }
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }
}
