import Foundation

/// Whole-or-nothing file output: the bytes go to a temporary file beside the target
/// (`.<name>.<pid>.tmp`), are flushed to disk, and the file is then renamed over the target.
/// A reader sees the old file or the new one, never a part; a failure leaves the old file as
/// it was and removes the temporary one; an interrupt removes it through `PendingOutputs`.
///
/// A process killed outright (SIGKILL, power loss) can leave its temporary file behind, never
/// under the target's name; the next write to the same target removes such leftovers whose
/// process is gone.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// The temporary file's name for `target` in process `pid`.
    static func temporaryName(for target: String, pid: Int32) -> String {
        ".\(target).\(pid).tmp"
    }

    public static func write(_ data: Data, to path: String) throws(WriteError) {
        let prepared = try prepare(data, to: path)
        var failure: String?
        PendingOutputs.shared.settle(prepared.token) {
            if rename(prepared.temporary, path) != 0 {
                failure = String(cString: strerror(errno))
                unlink(prepared.temporary)
            }
        }
        if let failure { throw WriteError(path: path, reason: failure) }
    }

    /// A file written whole beside its target, flushed to disk, and not yet renamed over it:
    /// the first half of `write`, for outputs that must land together (score files and the
    /// history). Until renamed or discarded it is a pending output an interrupt removes.
    public struct Prepared: Sendable {
        public let target: String
        public let temporary: String
        package let token: Int

        /// Renames the file over its target, while the caller holds `PendingOutputs.shared`
        /// (`hold()`), so an interrupt cannot split a set of renames.
        public func renameHeld() throws(WriteError) {
            var failure: String?
            PendingOutputs.shared.settleHeld(token) {
                if rename(temporary, target) != 0 { failure = String(cString: strerror(errno)) }
            }
            if let failure { throw WriteError(path: target, reason: failure) }
        }

        /// Removes the temporary file; the target stays as it was.
        public func discard() {
            PendingOutputs.shared.settle(token) { _ = unlink(temporary) }
        }
    }

    /// Writes `data` to a temporary file beside `path` and flushes it, leaving `path` as it is.
    public static func prepare(_ data: Data, to path: String) throws(WriteError) -> Prepared {
        do {
            return try prepare(to: path) { emit in try data.withUnsafeBytes { try emit($0) } }
        } catch {
            // The producer only hands over the data, so a write failure is all that can come out.
            throw error as! WriteError
        }
    }

    /// Hands a piece of a file's bytes to the file being written (`prepare(to:producing:)`).
    public typealias Emit = (UnsafeRawBufferPointer) throws -> Void

    /// Writes a file produced piece by piece to a temporary file beside `path` and flushes it,
    /// leaving `path` as it is: `produce` calls its argument with the bytes in order, so a large
    /// file is never held whole in memory. An error from `produce` (or a `WriteError` from
    /// writing a piece) removes the temporary file and is rethrown.
    public static func prepare(to path: String, producing produce: (_ emit: Emit) throws -> Void) throws -> Prepared {
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent().path
        let name = target.lastPathComponent
        removeLeftovers(of: name, in: directory)
        let temporary = (directory as NSString).appendingPathComponent(
            temporaryName(for: name, pid: ProcessInfo.processInfo.processIdentifier))
        let (token, fd) = PendingOutputs.shared.register(temporary) { open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            PendingOutputs.shared.settle(token) {}
            throw WriteError(path: path, reason: reason)
        }
        do {
            try produce { bytes in
                if let failure = writeAll(bytes, to: fd) { throw WriteError(path: path, reason: failure) }
            }
        } catch {
            close(fd)
            PendingOutputs.shared.settle(token) { _ = unlink(temporary) }
            throw error
        }
        if let failure = syncAndClose(fd) {
            PendingOutputs.shared.settle(token) { _ = unlink(temporary) }
            throw WriteError(path: path, reason: failure)
        }
        return Prepared(target: path, temporary: temporary, token: token)
    }

    /// Writes `data` to `fd` whole (short writes and EINTR retried), then fsyncs and closes it:
    /// the first failure's text, or nil. `fd` is closed either way.
    static func writeWhole(_ data: Data, to fd: Int32) -> String? {
        if let failure = data.withUnsafeBytes({ writeAll($0, to: fd) }) {
            close(fd)
            return failure
        }
        return syncAndClose(fd)
    }

    /// Writes `bytes` to `fd` whole, short writes and EINTR retried: the failure's text, or nil.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }

    /// fsyncs and closes `fd`: the first failure's text, or nil. `fd` is closed either way.
    static func syncAndClose(_ fd: Int32) -> String? {
        var failure: String?
        if fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        return failure
    }

    /// Flushes a directory's entries (the renames in it) to disk, so they survive a power cut.
    public static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Removes `.<name>.<pid>.tmp` files in `directory` left by processes that no longer run.
    static func removeLeftovers(of name: String, in directory: String) {
        let prefix = ".\(name).", suffix = ".tmp"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(suffix) {
            let middle = entry.dropFirst(prefix.count).dropLast(suffix.count)
            guard let pid = Int32(middle), pid != ProcessInfo.processInfo.processIdentifier, !isRunning(pid) else { continue }
            unlink((directory as NSString).appendingPathComponent(entry))
        }
    }

    /// Whether process `pid` exists (signal 0 probes without sending anything).
    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
