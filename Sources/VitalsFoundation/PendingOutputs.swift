import Foundation

/// The temporary files and directories this process is writing, so an interrupt (Ctrl-C,
/// SIGTERM) can remove them before the process exits and leave nothing half-written.
///
/// Every step that creates or renames a registered path holds the lock, and so does
/// `discardAll`, which never returns the lock: once the interrupt handler has it, no
/// temporary file can be created or renamed into place behind its back.
public final class PendingOutputs: @unchecked Sendable {
    /// The process's one registry.
    public static let shared = PendingOutputs()

    private let lock = NSLock()
    private var paths: [Int: String] = [:]
    private var nextToken = 0

    /// Runs `body` under the lock, registering `path` first; returns the token to pass to
    /// `settle`. Create the temporary file inside `body`, so creation and registration
    /// cannot be split by an interrupt.
    public func register<T>(_ path: String, _ body: () throws -> T) rethrows -> (token: Int, value: T) {
        lock.lock()
        defer { lock.unlock() }
        let token = nextToken
        nextToken += 1
        paths[token] = path
        return (token, try body())
    }

    /// Runs `body` (the rename into place, or the removal after a failure) under the lock and
    /// forgets the path.
    public func settle<T>(_ token: Int, _ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        paths[token] = nil
        return try body()
    }

    /// Takes the lock and keeps it until `release()`: for a sequence of renames (and the commit
    /// that goes with them) that an interrupt must not split. Inside, use `settleHeld`.
    public func hold() { lock.lock() }

    /// Gives back the lock `hold()` took.
    public func release() { lock.unlock() }

    /// Forgets a path while the caller holds the lock (`hold()`); runs `body` first.
    public func settleHeld<T>(_ token: Int, _ body: () throws -> T) rethrows -> T {
        paths[token] = nil
        return try body()
    }

    /// Removes every registered path (files, or directories with their contents) and keeps the
    /// lock for good: call it only on the way out of the process. Returns how many it removed.
    public func discardAll() -> Int {
        lock.lock()
        var removed = 0
        for path in paths.values where (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
        paths.removeAll()
        return removed
    }
}
