import Foundation
import Testing
import VitalsFoundation
import VitalsSignals
import VitalsTestSupport

/// `NAME.csv.gz` reads as `NAME.csv` does: the same columns, counts and problems (at the same
/// lines, only the file named as it is on disk), sequentially and on every core at every
/// chunking; and damage to the compression itself is a fatal problem of its own.
@Suite struct CompressedSignalsTests {
    typealias Parallel = ParallelColumnDecoderTests

    /// The reads compared: one record at a time, and on every core in small and larger chunks.
    static let readings: [SignalsReadOptions] = [
        SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: Int.max),
        SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: 0, parallelChunkBytes: 97),
        SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: 0, parallelChunkBytes: 4096),
    ]

    /// Replaces `dir/name` by `dir/name.gz` holding `transform` of its gzip bytes.
    static func compress(_ name: String, in dir: String, _ transform: (Data, Data) throws -> Data = { gz, _ in gz }) throws {
        let path = dir + "/" + name
        let plain = try Data(contentsOf: URL(fileURLWithPath: path))
        try transform(try GzipTool.compress(plain), plain).write(to: URL(fileURLWithPath: path + ".gz"))
        try FileManager.default.removeItem(atPath: path)
    }

    /// A problem as the plain and compressed forms must share it: everything but the file's name on disk.
    static func located(_ problems: [SignalsProblem]) -> [String] {
        problems.map { "\($0.file.fileName):\($0.line): \($0.column): \($0.rule.rawValue): \($0.message)" }
    }

    /// Problems and columns of a read that may throw.
    static func read(_ dir: String, _ options: SignalsReadOptions) -> (problems: [SignalsProblem], count: Int, columns: [[Int32]]?) {
        do {
            let result = try SignalsReader(options: options).read(directory: dir)
            let u = result.dataset.usage
            let columns = u.map { [$0.account, $0.date.map(\.ordinal), $0.activeUsers?.raw ?? [], $0.sessions?.raw ?? [], $0.keyEvents?.raw ?? []] }
            return (result.report.problems, result.report.problemCount, columns)
        } catch let error as SignalsValidationError {
            return (error.report.problems, error.report.problemCount, nil)
        } catch {
            Issue.record("unexpected error: \(error)")
            return ([], -1, nil)
        }
    }

    /// Expects `compressed` to read as `plain` under every reading, and returns the plain read.
    func expectSameReads(plain: String, compressed: String) -> (problems: [SignalsProblem], count: Int, columns: [[Int32]]?) {
        let reference = Self.read(plain, Self.readings[0])
        for options in Self.readings {
            let gz = Self.read(compressed, options)
            #expect(Self.located(gz.problems) == Self.located(reference.problems), "chunk \(options.parallelChunkBytes)")
            #expect(gz.count == reference.count)
            #expect(gz.columns == reference.columns)
            #expect(gz.problems.allSatisfy { $0.compression == .gzip && $0.description.hasPrefix("usage.csv.gz:") })
        }
        return reference
    }

    func twoForms(rows: Int, extra: [String] = [], lineEnd: String = "\n", quoteAll: Bool = false,
                  transform: @escaping (Data, Data) throws -> Data = { gz, _ in gz }) throws -> (plain: String, gz: String) {
        let plain = try Parallel.directory(rows: rows, extra: extra, lineEnd: lineEnd, quoteAll: quoteAll)
        let gz = plain + "-gz"
        try FileManager.default.copyItem(atPath: plain, toPath: gz)
        try Self.compress("usage.csv", in: gz, transform)
        return (plain, gz)
    }

    func remove(_ dirs: (plain: String, gz: String)) {
        try? FileManager.default.removeItem(atPath: dirs.plain)
        try? FileManager.default.removeItem(atPath: dirs.gz)
    }

    @Test(arguments: ["\n", "\r\n"], [false, true])
    func aCleanGzipFileReadsAsItsPlainForm(lineEnd: String, quoteAll: Bool) throws {
        let dirs = try twoForms(rows: 3000, lineEnd: lineEnd, quoteAll: quoteAll)
        defer { remove(dirs) }
        let reference = expectSameReads(plain: dirs.plain, compressed: dirs.gz)
        #expect(reference.count == 0 && reference.columns?[0].count == 3000)
        // Still the fast path on every core: no row left to the general scanner.
        let many = try SignalsReader(options: Self.readings[2]).read(directory: dirs.gz)
        #expect(many.report[.usage].rowsByScanner == 0)
        #expect(many.report[.usage].compression == .gzip)
        #expect(try many.report[.usage].bytes == SignalsReader(options: Self.readings[0]).read(directory: dirs.plain).report[.usage].bytes)
    }

    /// Bad rows of every kind, a quoted field spanning lines (the parallel read hands the rest of
    /// the text to the scanner, decompressing it again), a repeated header, CRLF.
    @Test(arguments: ["\n", "\r\n"])
    func awkwardLinesGiveTheSameProblemsCompressed(lineEnd: String) throws {
        let dirs = try twoForms(rows: 800, extra: Parallel.awkward, lineEnd: lineEnd)
        defer { remove(dirs) }
        let reference = expectSameReads(plain: dirs.plain, compressed: dirs.gz)
        #expect(Set(reference.problems.map(\.rule)).isSuperset(of: [.unknownAccount, .invalidDate, .raggedRow, .strayQuote]))
    }

    @Test func aStrictReadFailsWithTheSameProblemsCompressed() throws {
        let dirs = try twoForms(rows: 500, extra: ["A1,2025-13-01,1,2,3,4,5", "A2,2025-01-01,x,2,3,4,5"])
        defer { remove(dirs) }
        for options in [SignalsReadOptions(parallelMinimumBytes: Int.max), SignalsReadOptions(parallelMinimumBytes: 0, parallelChunkBytes: 90)] {
            let plain = Self.read(dirs.plain, options), gz = Self.read(dirs.gz, options)
            #expect(plain.columns == nil && gz.columns == nil)
            #expect(Self.located(gz.problems) == Self.located(plain.problems))
            #expect(gz.problems.map(\.description).first?.hasPrefix("usage.csv.gz:39: date: ") == true)
        }
    }

    /// `cat a.gz b.gz` is one text, as `gzip -d` reads it; zero padding after it is ignored.
    @Test func concatenatedMembersReadAsOneText() throws {
        let dirs = try twoForms(rows: 3000) { _, plain in
            let cut = plain.count / 3
            var joined = try GzipTool.compress(plain.prefix(cut))
            joined.append(try GzipTool.compress(plain.dropFirst(cut)))
            joined.append(Data(count: 512))
            return joined
        }
        defer { remove(dirs) }
        let reference = expectSameReads(plain: dirs.plain, compressed: dirs.gz)
        #expect(reference.columns?[0].count == 3000)
    }

    /// A gzip file cut short, whatever the cut: a fatal problem at the first line not read whole,
    /// never a silently shorter table.
    @Test(arguments: [0.05, 0.5, 0.99])
    func aGzipFileCutShortIsAFatalProblem(kept: Double) throws {
        let dirs = try twoForms(rows: 3000) { gz, _ in gz.prefix(Int(Double(gz.count) * kept)) }
        defer { remove(dirs) }
        var lines: Set<Int> = []
        for options in Self.readings {
            let read = Self.read(dirs.gz, options)
            #expect(read.columns == nil)
            let damage = read.problems.filter { $0.rule == .damagedCompression }
            #expect(damage.count == 1)
            #expect(damage.first?.description.contains("usage.csv.gz:") == true)
            #expect(damage.first?.message.contains("cut short") == true)
            if let line = damage.first?.line { lines.insert(line) }
        }
        // Every reading stops at the same line: the first one not read whole.
        #expect(lines.count == 1 && lines.allSatisfy { $0 >= 2 && $0 <= 3002 }, "\(lines)")
        #expect(SignalsRule.damagedCompression.isFatal)
    }

    @Test func corruptDataAndTrailingBytesAreFatalProblems() throws {
        let corrupt = try twoForms(rows: 2000) { gz, _ in
            var bytes = gz
            for k in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[k] ^= 0x5A }
            return bytes
        }
        let trailing = try twoForms(rows: 2000) { gz, _ in gz + Data("not gzip".utf8) }
        defer { remove(corrupt); remove(trailing) }
        for options in Self.readings {
            let bad = Self.read(corrupt.gz, options)
            #expect(bad.columns == nil && bad.problems.contains { $0.rule == .damagedCompression && $0.message.contains("damaged") })
            let extra = Self.read(trailing.gz, options)
            #expect(extra.columns == nil && extra.problems.contains { $0.rule == .damagedCompression && $0.message.contains("follow") })
        }
    }

    /// A file named .gz that is plain text, and an empty .gz: said to be what they are.
    @Test func aFileNamedGzThatIsNotGzipIsAFatalProblem() throws {
        let dirs = try twoForms(rows: 200) { _, plain in plain }
        defer { remove(dirs) }
        let read = Self.read(dirs.gz, Self.readings[0])
        #expect(read.problems.map(\.rule) == [.damagedCompression])
        #expect(read.problems.first?.message.contains("not gzip-compressed") == true)
        #expect(read.problems.first?.line == 1)
        try Data().write(to: URL(fileURLWithPath: dirs.gz + "/usage.csv.gz"))
        #expect(Self.read(dirs.gz, Self.readings[0]).problems.map(\.rule) == [.damagedCompression])
    }

    /// A gzip of a workbook is still a workbook, and a gzip of binary text has the plain file's NUL problem.
    @Test func aGzipOfSomethingElseIsJudgedByWhatItHolds() throws {
        let dirs = try twoForms(rows: 10)
        defer { remove(dirs) }
        let zip = Data([0x50, 0x4B, 0x03, 0x04]) + Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try zip.write(to: URL(fileURLWithPath: dirs.plain + "/usage.csv"))
        try GzipTool.compress(zip).write(to: URL(fileURLWithPath: dirs.gz + "/usage.csv.gz"))
        let plain = Self.read(dirs.plain, Self.readings[0]), gz = Self.read(dirs.gz, Self.readings[0])
        #expect(plain.problems.map(\.rule) == [.notCSV])
        #expect(Self.located(gz.problems) == Self.located(plain.problems))

        let binary = Data("account_id,date,active_users\nA1,2025-01-01,1\n".utf8) + Data([0, 1, 2, 0, 10])
        try binary.write(to: URL(fileURLWithPath: dirs.plain + "/usage.csv"))
        try GzipTool.compress(binary).write(to: URL(fileURLWithPath: dirs.gz + "/usage.csv.gz"))
        let plainNUL = Self.read(dirs.plain, Self.readings[0]), gzNUL = Self.read(dirs.gz, Self.readings[0])
        #expect(plainNUL.problems.contains { $0.rule == .nulByte })
        #expect(Self.located(gzNUL.problems) == Self.located(plainNUL.problems))
    }

    @Test func bothFormsOfAFileAreRefused() throws {
        let dirs = try twoForms(rows: 10)
        defer { remove(dirs) }
        try FileManager.default.copyItem(atPath: dirs.plain + "/usage.csv", toPath: dirs.gz + "/usage.csv")
        let read = Self.read(dirs.gz, Self.readings[0])
        #expect(read.columns == nil)
        #expect(read.problems.map(\.rule) == [.fileGivenTwice])
        #expect(read.problems.first?.message.contains("usage.csv and usage.csv.gz") == true)
    }

    /// The accounts file compressed too: keys resolve, and the other files read against them.
    @Test func everyFileMayBeCompressed() throws {
        let dirs = try twoForms(rows: 1000)
        defer { remove(dirs) }
        try Self.compress("accounts.csv", in: dirs.gz)
        let plain = try SignalsReader().read(directory: dirs.plain), gz = try SignalsReader().read(directory: dirs.gz)
        #expect(gz.dataset.accounts.count == plain.dataset.accounts.count)
        #expect(gz.dataset.usage?.account == plain.dataset.usage?.account)
        #expect(SignalsFileText.path(of: "accounts.csv", in: dirs.gz) == dirs.gz + "/accounts.csv.gz")
        var text = Data()
        try SignalsFileText.forEachPiece(path: dirs.gz + "/usage.csv.gz") { text.append(contentsOf: $0) }
        #expect(text == (try Data(contentsOf: URL(fileURLWithPath: dirs.plain + "/usage.csv"))))
    }
}
