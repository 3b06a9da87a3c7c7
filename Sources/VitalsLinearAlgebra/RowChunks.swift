import Dispatch

/// A fixed partition of n rows into contiguous chunks, processed on all cores.
///
/// The partition depends only on n, never on the core count, and per-chunk results
/// are combined in chunk order, so sums come out bit-identical on any machine.
public struct RowChunks: Sendable {
    public let rows: Int
    public let chunkCount: Int

    /// Chunks of at least `minimumRows` rows (default 32,768), at most 64 of them: below
    /// that size a thread's start-up costs more than the loop it would run.
    public init(rows: Int, minimumRows: Int = 32_768) {
        self.rows = rows
        self.chunkCount = max(1, min(64, rows / minimumRows))
    }

    public func range(_ chunk: Int) -> Range<Int> {
        (chunk * rows / chunkCount)..<((chunk + 1) * rows / chunkCount)
    }

    /// Runs `body` on every chunk, concurrently when there is more than one, and returns
    /// the results in chunk order.
    public func map<T: Sendable>(_ body: @Sendable (Range<Int>) -> T) -> [T] {
        if chunkCount == 1 { return [body(0..<rows)] }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: chunkCount)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            slots[chunk] = body(range(chunk))  // each chunk writes only its own slot
        }
        return results.map { $0! }
    }
}
