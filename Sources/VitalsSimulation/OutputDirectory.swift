import Foundation
import VitalsFoundation

#if canImport(Glibc)
import Glibc
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemClose = Darwin.close
#endif

/// A directory built in a temporary sibling (`<dir>.tmp-<pid>`) and renamed
/// into place only when every file in it is complete, so readers see the old
/// directory or the new one, never half of one.
///
/// Files are streamed: rows are appended to a per-file buffer that goes to the
/// file system in 4 MiB writes, so a book of any size needs memory for a batch
/// of accounts only.
final class StagedDirectory {
    let destination: String
    let staging: String
    private var files: [StagedFile] = []
    /// The staging directory's entry in `PendingOutputs`, so an interrupt removes it.
    private let pendingToken: Int

    /// Creates the staging directory (and the destination's parent when missing).
    init(destination path: String) throws(SimulationError) {
        // `out/` names the directory `out`: the staging sibling must not land inside it.
        var destination = path
        while destination.count > 1 && destination.hasSuffix("/") { destination.removeLast() }
        self.destination = destination
        let staging = destination + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        self.staging = staging
        let fm = FileManager.default
        do {
            try fm.createDirectory(
                atPath: (destination as NSString).deletingLastPathComponent.isEmpty
                    ? "." : (destination as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            if fm.fileExists(atPath: staging) { try fm.removeItem(atPath: staging) }
            pendingToken = try PendingOutputs.shared.register(staging) {
                try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
            }.token
        } catch {
            throw .writeFailed(path: destination, reason: "cannot create \(staging): \(error.localizedDescription)")
        }
    }

    /// Opens a file in the staging directory and writes its header line.
    func create(_ name: String, header: String) throws(SimulationError) -> StagedFile {
        let file = try StagedFile(path: staging + "/" + name)
        file.append(Array(header.utf8) + [UInt8(ascii: "\n")])
        files.append(file)
        return file
    }

    /// Flushes and closes every file; the staging directory is then complete.
    func finish() throws(SimulationError) {
        for file in files { try file.close() }
    }

    /// Total bytes of the staged files.
    var bytes: Int { files.reduce(0) { $0 + $1.bytesWritten } }

    /// Puts the staging directory in place of the destination: an existing destination is
    /// renamed aside first and removed after, so a failure leaves it where it was.
    func commit() throws(SimulationError) {
        let fm = FileManager.default
        let aside = destination + ".old-\(ProcessInfo.processInfo.processIdentifier)"
        // Under the registry's lock, so an interrupt lands before the renames or after the old copy is gone.
        do throws(any Error) { try PendingOutputs.shared.settle(pendingToken) {
            if fm.fileExists(atPath: destination) {
                if fm.fileExists(atPath: aside) { try fm.removeItem(atPath: aside) }
                try fm.moveItem(atPath: destination, toPath: aside)
                do {
                    try fm.moveItem(atPath: staging, toPath: destination)
                } catch {
                    try? fm.moveItem(atPath: aside, toPath: destination)
                    throw error
                }
                try fm.removeItem(atPath: aside)
            } else {
                try fm.moveItem(atPath: staging, toPath: destination)
            }
        } } catch {
            throw .writeFailed(path: destination, reason: error.localizedDescription)
        }
    }

    /// Removes the staging directory after a failure.
    func discard() {
        for file in files { file.abandon() }
        PendingOutputs.shared.settle(pendingToken) { try? FileManager.default.removeItem(atPath: staging) }
    }
}

/// One file being written: a byte buffer flushed with `write(2)` in large chunks.
final class StagedFile {
    let path: String
    private var descriptor: Int32
    private var pending: [UInt8] = []
    private(set) var bytesWritten = 0
    /// The first write error, reported by `close()`; later appends are dropped.
    private var failure: String?
    static let chunk = 4 << 20

    init(path: String) throws(SimulationError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        pending.reserveCapacity(Self.chunk + (1 << 20))
    }

    func append(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        bytesWritten += bytes.count
        if pending.count >= Self.chunk { flush() }
    }

    private func flush() {
        guard failure == nil, descriptor >= 0 else {
            pending.removeAll(keepingCapacity: true)
            return
        }
        pending.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    func close() throws(SimulationError) {
        flush()
        if descriptor >= 0 {
            if systemClose(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
            descriptor = -1
        }
        if let failure { throw .writeFailed(path: path, reason: failure) }
    }

    func abandon() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }
}
