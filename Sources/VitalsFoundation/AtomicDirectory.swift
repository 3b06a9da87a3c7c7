import Foundation

/// Whole-or-nothing folder output, `AtomicFile` for a set of files: they are written into a
/// temporary folder beside the target (`.<name>.<pid>.tmp`, removed by an interrupt through
/// `PendingOutputs`), each flushed, and the folder is then put in place with one rename. An
/// existing folder is swapped with the new one in one step (`renameat2`'s RENAME_EXCHANGE) and
/// then removed; a reader sees the old folder or the new one, never a mix.
///
/// A folder is replaced only when it holds nothing but regular files whose names `replaceable`
/// accepts (what an earlier run wrote): a mistyped path never removes someone's other files.
public enum AtomicDirectory {
    /// Writes `files` (name → bytes; plain names, no `/`) as the whole content of `path`.
    public static func write(_ files: [(name: String, data: Data)], to path: String,
                             replaceable: (String) -> Bool) throws(AtomicFile.WriteError) {
        let target = URL(fileURLWithPath: path).standardizedFileURL
        // Without a trailing slash or `./`, the path the renames take.
        let path = target.path
        let parent = target.deletingLastPathComponent().path, name = target.lastPathComponent
        for file in files where file.name.isEmpty || file.name.contains("/") || file.name.hasPrefix(".") {
            throw AtomicFile.WriteError(path: path, reason: "refusing the file name \(file.name)")
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists {
            guard isDirectory.boolValue else { throw AtomicFile.WriteError(path: path, reason: "exists and is not a directory") }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let isFile = { (entry: String) in
                (try? FileManager.default.attributesOfItem(atPath: (path as NSString).appendingPathComponent(entry))[.type] as? FileAttributeType) == .typeRegular
            }
            if let other = entries.sorted().first(where: { !replaceable($0) || !isFile($0) }) {
                throw AtomicFile.WriteError(path: path, reason: "exists and holds \(other), which this command did not write; nothing was replaced")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw AtomicFile.WriteError(path: parent, reason: "cannot create the directory")
            }
        }
        removeLeftovers(of: name, in: parent)

        let pid = ProcessInfo.processInfo.processIdentifier
        let temporary = (parent as NSString).appendingPathComponent(".\(name).\(pid).tmp")
        let (token, made) = PendingOutputs.shared.register(temporary) { mkdir(temporary, 0o755) == 0 ? nil : String(cString: strerror(errno)) }
        if let made {
            PendingOutputs.shared.settle(token) {}
            throw AtomicFile.WriteError(path: path, reason: "cannot create \(temporary): \(made)")
        }
        func fail(_ reason: String) -> AtomicFile.WriteError {
            PendingOutputs.shared.settle(token) { _ = try? FileManager.default.removeItem(atPath: temporary) }
            return AtomicFile.WriteError(path: path, reason: reason)
        }
        for file in files {
            let filePath = (temporary as NSString).appendingPathComponent(file.name)
            let fd = open(filePath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else { throw fail("cannot create \(file.name): \(String(cString: strerror(errno)))") }
            if let failure = AtomicFile.writeWhole(file.data, to: fd) { throw fail("\(file.name): \(failure)") }
        }
        AtomicFile.syncDirectory(temporary)

        // Into place: a rename for a new folder; for an existing one, a swap, after which the
        // old folder sits at the temporary name, still registered, so an interrupt removes it.
        if !exists {
            var failure: String?
            PendingOutputs.shared.settle(token) {
                if rename(temporary, path) != 0 {
                    failure = String(cString: strerror(errno))
                    _ = try? FileManager.default.removeItem(atPath: temporary)
                }
            }
            if let failure { throw AtomicFile.WriteError(path: path, reason: failure) }
        } else {
            PendingOutputs.shared.hold()
            let swapped = exchange(temporary, path)
            PendingOutputs.shared.release()
            if let swapped { throw fail(swapped) }
            PendingOutputs.shared.settle(token) { _ = try? FileManager.default.removeItem(atPath: temporary) }
        }
        AtomicFile.syncDirectory(parent)
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// Linux's `renameat2` (glibc 2.28), which Swift's Glibc module does not declare.
    private static let renameat2: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }
    private static let renameExchange: UInt32 = 2

    /// Swaps two paths in one step; nil when done, else why not.
    static func exchange(_ a: String, _ b: String) -> String? {
        guard let renameat2 else { return "cannot swap folders on this system (no renameat2)" }
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0 ? nil : String(cString: strerror(errno))
    }

    /// Removes `.<name>.<pid>.tmp` folders in `directory` left by processes that no longer run.
    static func removeLeftovers(of name: String, in directory: String) {
        let prefix = ".\(name).", suffix = ".tmp"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(suffix) {
            let middle = entry.dropFirst(prefix.count).dropLast(suffix.count)
            guard let pid = Int32(middle), pid != ProcessInfo.processInfo.processIdentifier, !AtomicFile.isRunning(pid) else { continue }
            _ = try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(entry))
        }
    }
}
