import Foundation

/// A piece of a compressed file's text, whole lines only (but the last), decompressed ahead of
/// the decoders. `bytes` is owned by whoever holds the chunk.
private struct TextChunk {
    let index: Int
    /// Where the chunk starts in the decompressed text.
    let offset: Int
    let bytes: UnsafeMutablePointer<UInt8>
    let count: Int
    /// The buffer's size: chunks of the standard size are recycled.
    let capacity: Int
}

/// What the decoders and the decompressing thread share.
private final class CompressedDecodeState: @unchecked Sendable {
    let lock = NSLock()
    /// Per chunk index: its decoding state, and where the fast path stopped when it did not take it all.
    var decoded: [Int: (state: ChunkState, resumeAt: Int?)] = [:]
    /// The first chunk the fast path could not take whole; nothing after it is needed.
    var firstIncomplete = Int.max
    /// Why decompressing stopped before the end, if it did.
    var failure: SignalsIOError?
    var chunks = 0
    var textBytes = 0
}

extension ParallelColumnDecoder {
    /// Decodes a gzip-compressed file: one thread decompresses the text into chunks of about
    /// `parallelChunkBytes`, cut after their last line end, while `threads` decoders take the
    /// chunks as they come. At most `threads + 2` chunks wait, so memory stays bounded whatever
    /// the file's size.
    ///
    /// Each chunk is decoded as `decodeRange` decodes its part of a plain file. From the first
    /// line the fast path cannot take (a quote that may open a field spanning lines, a NUL, a
    /// bare CR, an overlong line), the rest of the file is framed by `CSVScanner` over the text
    /// decompressed again, and later chunks are dropped: the result is the plain file's, word for
    /// word. Damage to the compressed data stops the file at the first line not read whole.
    func decodeCompressed(threads: Int) throws -> Output {
        let shared = CompressedDecodeState()
        let queue = BlockQueue<TextChunk>(capacity: threads + 1)
        // Buffers the decoders are done with, filled again: fresh pages cost the kernel's zeroing
        // (perf: a fifth of the read when every chunk had new ones).
        let spent = BlockQueue<UnsafeMutablePointer<UInt8>>(capacity: 2 * threads + 4)
        let group = DispatchGroup()
        let decoder = self
        let recycled = spent

        group.enter()
        Thread {
            defer { group.leave() }
            decoder.decompress(into: queue, reusing: recycled, shared: shared)
            queue.close()
        }.start()
        for _ in 0..<max(1, threads) {
            group.enter()
            Thread {
                defer { group.leave() }
                while let chunk = queue.take() {
                    defer {
                        if chunk.capacity != decoder.options.parallelChunkBytes || !recycled.offer(chunk.bytes) { chunk.bytes.deallocate() }
                    }
                    shared.lock.lock()
                    let needed = chunk.index < shared.firstIncomplete
                    shared.lock.unlock()
                    guard needed else { continue }
                    let result = decoder.decodeChunk(chunk)
                    shared.lock.lock()
                    shared.decoded[chunk.index] = result
                    if result.resumeAt != nil { shared.firstIncomplete = min(shared.firstIncomplete, chunk.index) }
                    shared.lock.unlock()
                }
            }.start()
        }
        group.wait()
        while let buffer = spent.poll() { buffer.deallocate() }

        if let failure = shared.failure, !failure.isDamagedCompression {
            for (_, entry) in shared.decoded { entry.state.release() }
            throw failure
        }
        var pieces: [Output] = []
        let last = min(shared.firstIncomplete, shared.chunks - 1)
        var failed: SignalsIOError?
        if last >= 0 {
            for k in 0...last {
                guard var entry = shared.decoded.removeValue(forKey: k) else { break }
                if let resumeAt = entry.resumeAt {
                    do { try entry.state.decodeGeneral(from: resumeAt, to: Int.max) } catch { failed = error }
                }
                pieces.append(entry.state.finish())
                entry.state.release()
            }
        }
        // Chunks decoded past the first one the fast path could not finish are thrown away.
        let thrownAway = !shared.decoded.isEmpty
        for (_, entry) in shared.decoded { entry.state.release() }
        if let failed {
            for piece in pieces { piece.releaseStorage() }
            throw failed
        }
        if thrownAway, threads > 1, let windowFolds {
            // Their rows before the window are in the folds, though they may have been read from
            // inside a record: start again on one decoding thread, which decodes no chunk past it.
            for piece in pieces { piece.releaseStorage() }
            windowFolds.reset()
            return try decodeCompressed(threads: 1)
        }
        var merged = merge(pieces)
        if shared.firstIncomplete == Int.max, let failure = shared.failure, merged.damage == nil {
            // Everything decompressed before the damage was decoded; the first line not read whole is where it stops.
            merged.damage = (dataLine + merged.lines, failure.reason)
        }
        if merged.damage != nil { merged.stopped = true }
        if shared.firstIncomplete == Int.max { merged.endOffset = shared.textBytes }
        return merged
    }

    /// Decompresses the text after the header into whole-line chunks on `queue`, until the end,
    /// damage, or a decoder's finding that later chunks are not needed.
    private func decompress(into queue: BlockQueue<TextChunk>, reusing spent: BlockQueue<UnsafeMutablePointer<UInt8>>,
                            shared: CompressedDecodeState) {
        let chunkBytes = options.parallelChunkBytes
        var carry: [UInt8] = []
        var offset = dataOffset
        var index = 0
        do throws(SignalsIOError) {
            let inflater = try GzipInflater(path: path)
            try inflater.skip(dataOffset)
            var ended = false
            while !ended {
                var capacity = max(chunkBytes, 2 * carry.count)
                var bytes = capacity == chunkBytes ? spent.poll() ?? .allocate(capacity: capacity) : .allocate(capacity: capacity)
                carry.withUnsafeBufferPointer { if let base = $0.baseAddress { bytes.update(from: base, count: $0.count) } }
                var filled = carry.count
                var cut = filled
                var damage: SignalsIOError?
                while true {
                    do throws(SignalsIOError) {
                        while filled < capacity {
                            let n = try inflater.read(into: bytes + filled, count: capacity - filled)
                            if n == 0 { ended = true; break }
                            filled += n
                        }
                    } catch {
                        // The whole lines before the damage still go to the decoders, so the problem
                        // names the first line not read whole, as the one-record-at-a-time read does.
                        guard error.isDamagedCompression else { bytes.deallocate(); throw error }
                        damage = error
                        ended = true
                        cut = Self.lastIndex(of: 10, in: bytes, count: filled).map { $0 + 1 } ?? 0
                        break
                    }
                    if ended { cut = filled; break }
                    if let lastNewline = Self.lastIndex(of: 10, in: bytes, count: filled) { cut = lastNewline + 1; break }
                    // One line fills the chunk: past a record's limit it goes as it is (the scanner
                    // reports it and stops); short of that, the chunk grows to take it whole.
                    if filled > CSVScanner.defaultMaxRecordBytes { cut = filled; break }
                    let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                    larger.update(from: bytes, count: filled)
                    bytes.deallocate()
                    bytes = larger
                    capacity *= 2
                }
                carry = Array(UnsafeBufferPointer(start: bytes + cut, count: filled - cut))
                if let damage {
                    if cut > 0 { _ = queue.put(TextChunk(index: index, offset: offset, bytes: bytes, count: cut, capacity: capacity)) } else { bytes.deallocate() }
                    shared.lock.lock()
                    if cut > 0 { shared.chunks = index + 1 }
                    shared.lock.unlock()
                    throw damage
                }
                if cut == 0 { bytes.deallocate(); break }
                shared.lock.lock()
                let stop = index > shared.firstIncomplete
                shared.chunks = index + 1
                shared.textBytes = offset + cut
                shared.lock.unlock()
                if stop || !queue.put(TextChunk(index: index, offset: offset, bytes: bytes, count: cut, capacity: capacity)) {
                    bytes.deallocate()
                    return
                }
                offset += cut
                index += 1
            }
        } catch {
            shared.lock.lock()
            shared.failure = error
            shared.lock.unlock()
        }
    }

    /// Decodes one chunk on the fast path; `resumeAt` is the text offset of the first line it
    /// could not take, when there is one.
    private func decodeChunk(_ chunk: TextChunk) -> (state: ChunkState, resumeAt: Int?) {
        var state = ChunkState(decoder: self, expectedRows: max(16, chunk.count / 24))
        let end = chunk.count
        let special = Self.firstIndex(of: 0, in: chunk.bytes, count: end) ?? end
        var fastEnd = end
        var complete = true
        if special < end {
            fastEnd = Self.lastIndex(of: 10, in: chunk.bytes, count: special).map { $0 + 1 } ?? 0
            complete = false
        }
        let taken = state.decodeLines(chunk.bytes, count: fastEnd)
        state.giveBackFold()
        if taken < fastEnd { complete = false }
        state.output.endOffset = chunk.offset + taken
        return (state, complete ? nil : chunk.offset + taken)
    }
}
