import Foundation
import Testing
import VitalsFoundation
import VitalsSignals
import VitalsTestSupport

/// The parallel reader of usage.csv must give exactly what the one-record-at-a-time reader
/// gives: the same columns, the same problems word for word, at the same lines, wherever
/// the chunk cuts fall (here every few hundred bytes, so cuts land in every kind of line).
@Suite struct ParallelColumnDecoderTests {
    static let sequential = SignalsReadOptions(parallelMinimumBytes: Int.max)
    static func parallel(chunk: Int, skip: Bool = false) -> SignalsReadOptions {
        SignalsReadOptions(skipInvalid: skip, parallelMinimumBytes: 0, parallelChunkBytes: chunk)
    }

    /// A signals directory with accounts.csv and a usage.csv of `rows` generated rows, with
    /// `extra` lines spliced in after every 37th row.
    static func directory(rows: Int, extra: [String] = [], lineEnd: String = "\n", quoteAll: Bool = false) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var accounts = "account_id,contract_start\n"
        for a in 0..<50 { accounts += "A\(a),2024-01-01\n" }
        try accounts.write(toFile: dir + "/accounts.csv", atomically: true, encoding: .utf8)
        var usage = "account_id,date,active_users,sessions,key_events,workflows_started,workflows_completed\n"
        var spliced = 0
        for r in 0..<rows {
            let day = Day(year: 2025, month: 1, day: 1)! + r / 50
            usage += "A\(r % 50),\(day),\(r % 17),\(r % 23),\(r % 101),\(r % 7),\(r % 5)\n"
            if r % 37 == 36, spliced < extra.count {
                usage += extra[spliced] + "\n"
                spliced += 1
            }
        }
        if quoteAll {
            // Every field of every line quoted, as many exports write them.
            usage = usage.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : $0.split(separator: ",", omittingEmptySubsequences: false).map { "\"\($0)\"" }.joined(separator: ",") }
                .joined(separator: "\n")
        }
        if lineEnd != "\n" { usage = usage.replacingOccurrences(of: "\n", with: lineEnd) }
        try usage.write(toFile: dir + "/usage.csv", atomically: true, encoding: .utf8)
        return dir
    }

    /// Reads `dir` leniently one record at a time and on every core in chunks of `chunk`
    /// bytes, expects the same problems, counts and columns, and returns the sequential read.
    func expectParallelReadsAsSequential(_ dir: String, chunk: Int) throws -> SignalsReadResult {
        let one = try SignalsReader(options: SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: Int.max)).read(directory: dir)
        let many = try SignalsReader(options: Self.parallel(chunk: chunk, skip: true)).read(directory: dir)
        #expect(many.report.problems == one.report.problems)
        #expect(many.report.problemCount == one.report.problemCount)
        #expect(many.report[.usage].rowsRead == one.report[.usage].rowsRead)
        #expect(many.report[.usage].rowsKept == one.report[.usage].rowsKept)
        #expect(try usageColumns(many) == usageColumns(one))
        return one
    }

    func usageColumns(_ result: SignalsReadResult) throws -> [[Int32]] {
        let u = try #require(result.dataset.usage)
        return [u.account, u.date.map(\.ordinal), u.activeUsers!.raw, u.sessions!.raw, u.keyEvents!.raw,
                u.workflowsStarted!.raw, u.workflowsCompleted!.raw]
    }

    @Test(arguments: [97, 500, 4096])
    func cleanFileGivesTheSameColumnsAsTheSequentialRead(chunk: Int) throws {
        let dir = try Self.directory(rows: 3000)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let one = try SignalsReader(options: Self.sequential).read(directory: dir)
        let many = try SignalsReader(options: Self.parallel(chunk: chunk)).read(directory: dir)
        #expect(try usageColumns(many) == usageColumns(one))
        #expect(try usageColumns(one)[0].count == 3000)
        #expect(many.report[.usage].rowsRead == 3000)
        #expect(many.report[.usage].bytes == one.report[.usage].bytes)
    }

    /// A CRLF file (as Excel and most exports write) reads to the same columns, rows and bytes
    /// as its LF form, in parallel on every chunking and sequentially, and stays on the fast
    /// path: no problems, every row kept.
    @Test(arguments: [97, 500, 4096])
    func crlfLineEndsGiveTheSameColumnsAsLF(chunk: Int) throws {
        let lf = try Self.directory(rows: 3000), crlf = try Self.directory(rows: 3000, lineEnd: "\r\n")
        defer { for d in [lf, crlf] { try? FileManager.default.removeItem(atPath: d) } }
        let reference = try SignalsReader(options: Self.sequential).read(directory: lf)
        for options in [Self.sequential, Self.parallel(chunk: chunk)] {
            let read = try SignalsReader(options: options).read(directory: crlf)
            #expect(try usageColumns(read) == usageColumns(reference))
            #expect(read.report[.usage].rowsRead == 3000 && read.report[.usage].rowsKept == 3000 && read.report.problemCount == 0)
            #expect(read.report[.usage].rowsByScanner == (options.parallelMinimumBytes == 0 ? 0 : 3000))
        }
    }

    /// Every field quoted, with LF or CRLF line ends: the same columns as the bare LF form, on
    /// every chunking, with no problem.
    @Test(arguments: [97, 500, 4096])
    func quotedFieldsGiveTheSameColumnsAsBareOnes(chunk: Int) throws {
        let bare = try Self.directory(rows: 3000)
        let quoted = [try Self.directory(rows: 3000, quoteAll: true), try Self.directory(rows: 3000, lineEnd: "\r\n", quoteAll: true)]
        defer { for d in [bare] + quoted { try? FileManager.default.removeItem(atPath: d) } }
        let reference = try SignalsReader(options: Self.sequential).read(directory: bare)
        for dir in quoted {
            #expect(try String(contentsOfFile: dir + "/usage.csv", encoding: .utf8).hasPrefix("\"account_id\",\"date\""))
            for options in [Self.sequential, Self.parallel(chunk: chunk)] {
                let read = try SignalsReader(options: options).read(directory: dir)
                #expect(try usageColumns(read) == usageColumns(reference))
                #expect(read.report[.usage].rowsRead == 3000 && read.report[.usage].rowsKept == 3000 && read.report.problemCount == 0)
                // The parallel read takes every quoted line on its fast path.
                #expect(read.report[.usage].rowsByScanner == (options.parallelMinimumBytes == 0 ? 0 : 3000))
            }
        }
    }

    /// Quoted lines the fast path must not take whole (an escaped quote, text after a closing
    /// quote, a quote inside a bare field, a quoted bad value, a quoted field spanning lines),
    /// in an all-quoted CRLF file: the parallel read reports what the sequential read does.
    @Test(arguments: [61, 250, 1000])
    func quotedAwkwardLinesGiveTheSameProblemsAndRows(chunk: Int) throws {
        let extra = ["\"A1\",\"2025-02-01\",\"1\"\"2\",2,3,4,5", "\"A2\"x,2025-02-01,1,2,3,4,5", "A3,2025-02-01,1\"2\",2,3,4,5",
                     "\"A4\",\"2025-02-31\",1,2,3,4,5", "\"A5\",2025-02-01,1,2,3,4,\"5\r\n6\"", "\"A6\",\" 2025-02-01\",1,2,3,4,5",
                     "\"B7\",2025-02-01,1,2,3,4,5", "\"\",2025-02-01,1,2,3,4,5"]
        let dir = try Self.directory(rows: 800, extra: Self.awkward + extra, lineEnd: "\r\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let one = try expectParallelReadsAsSequential(dir, chunk: chunk)
        #expect(Set(one.report.problems.map(\.rule)).isSuperset(of: [.textAfterClosingQuote, .strayQuote, .invalidDate, .unknownAccount]))
    }

    /// CRLF files with the awkward lines, a blank CRLF line and a bare CR inside a field:
    /// the parallel read reports exactly what the sequential read does.
    @Test(arguments: [61, 250, 1000])
    func crlfAwkwardLinesGiveTheSameProblemsAndRows(chunk: Int) throws {
        let dir = try Self.directory(rows: 800, extra: Self.awkward + ["A12,2025-02-01,1\r2,2,3,4,5", "\r"], lineEnd: "\r\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let one = try expectParallelReadsAsSequential(dir, chunk: chunk)
        #expect(one.report.problems.contains { $0.rule == .bareCarriageReturn })
    }

    /// Every kind of line the fast path does not take: blanks, CRLF, quotes (one spanning
    /// lines, so some cut lands inside it), spaces, empty fields, unknown ids, bad values,
    /// ragged rows and a stray quote.
    static let awkward = [
        "", "A3,2025-02-01,1,2,3,4,5\r", "\"A4\",2025-02-01,\"1\",2,3,4,5", "A5, 2025-02-01 ,1,2,3,4,5",
        "A6,2025-02-01,,,,,", "B9,2025-02-01,1,2,3,4,5", "A7,2025-02-30,1,2,3,4,5", "A8,2025-02-01,-1,2,3,4,5",
        "A9,2025-02-01,1,2,3", "A1,2025-02-01,1,2,3,4,5,6", "A2,2025-02-01,1\"x,2,3,4,5",
        "\"A1\",2025-02-01,1,2,3,4,\"5\n\"", "A10,2025-02-01,12345678901,2,3,4,5", "A11,2025-02-01,7,2,3,4,5",
        "account_id,date,active_users,sessions,key_events,workflows_started,workflows_completed", "A12,2125-02-01,1,2,3,4,5",
    ]

    @Test(arguments: [61, 250, 1000])
    func awkwardLinesGiveTheSameProblemsAndRows(chunk: Int) throws {
        let dir = try Self.directory(rows: 800, extra: Self.awkward)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let one = try SignalsReader(options: SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: Int.max)).read(directory: dir)
        let many = try SignalsReader(options: Self.parallel(chunk: chunk, skip: true)).read(directory: dir)
        #expect(many.report.problems == one.report.problems)
        #expect(many.report.problemCount == one.report.problemCount)
        #expect(many.report[.usage].skipped == one.report[.usage].skipped)
        #expect(many.report[.usage].rowsRead == one.report[.usage].rowsRead)
        #expect(many.report[.usage].rowsKept == one.report[.usage].rowsKept)
        #expect(try usageColumns(many) == usageColumns(one))
        // The problems themselves: one per bad line, with its line and rule.
        let rules = Set(one.report.problems.map(\.rule))
        #expect(rules.isSuperset(of: [.unknownAccount, .invalidDate, .invalidCount, .raggedRow, .strayQuote, .repeatedHeader,
                                      .implausibleDate]))
        #expect(one.report.problems.allSatisfy { $0.file == .usage && $0.line > 1 })
    }

    @Test func strictReadFailsWithTheSameProblems() throws {
        let dir = try Self.directory(rows: 500, extra: ["A1,2025-13-01,1,2,3,4,5", "A2,2025-01-01,x,2,3,4,5"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func problems(_ options: SignalsReadOptions) -> [SignalsProblem] {
            do {
                _ = try SignalsReader(options: options).read(directory: dir)
                return []
            } catch let error as SignalsValidationError {
                return error.report.problems
            } catch {
                return []
            }
        }
        let expected = problems(Self.sequential)
        #expect(expected.map(\.line) == [39, 77])  // header on line 1, row r on line r + 2, each spliced line after row 36 and 73
        #expect(expected.map(\.column) == ["date", "active_users"])
        #expect(problems(Self.parallel(chunk: 90)) == expected)
    }

    /// The problems a read reports, whether it returned or threw.
    static func problems(_ dir: String, _ options: SignalsReadOptions) -> [SignalsProblem] {
        do {
            return try SignalsReader(options: options).read(directory: dir).report.problems
        } catch let error as SignalsValidationError {
            return error.report.problems
        } catch {
            return []
        }
    }

    @Test func unterminatedQuoteStopsTheFileAsTheSequentialReadDoes() throws {
        let dir = try Self.directory(rows: 400, extra: ["A1,\"2025-01-01,1,2,3,4,5"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = [SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: Int.max), Self.parallel(chunk: 128, skip: true)]
        let reports = options.map { Self.problems(dir, $0) }
        #expect(reports[0].contains { $0.rule == .unterminatedQuote && $0.line == 39 })
        #expect(reports[1] == reports[0])
    }

    /// A row over the 1 MiB limit stops both reads at the same line, with the same problem,
    /// whether the fast line path or the scanner meets it.
    @Test(arguments: [4096, 1 << 22])
    func aRowPastTheLimitStopsTheFileAsTheSequentialReadDoes(chunk: Int) throws {
        let long = "A1,2025-01-01," + String(repeating: "9", count: CSVScanner.defaultMaxRecordBytes) + ",2,3,4,5"
        let dir = try Self.directory(rows: 400, extra: [long])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = [SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: Int.max), Self.parallel(chunk: chunk, skip: true)]
        let reports = options.map { Self.problems(dir, $0) }
        #expect(reports[0].map(\.rule) == [.rowTooLong])
        #expect(reports[0].map(\.line) == [39])
        #expect(reports[1] == reports[0])
    }

    /// Read through a window, the rows before it are folded as they are decoded (each account's
    /// latest day with an active user, whether it had a row) and the dropped days' span kept:
    /// all as the whole read has them, on every chunking, plain and gzip. A quoted field holding
    /// a line break and what looks like a row of A8 is spliced in, an active day the day before
    /// the window, where A8's real row has no active user: a chunk that begins inside the field
    /// folds that phantom row and is thrown away, and the facts must not keep it (the decoder
    /// folds the file again in one piece).
    @Test(arguments: [61, 97, 250, 1000])
    func aWindowedReadFoldsTheRowsBeforeItAsTheWholeReadHasThem(chunk: Int) throws {
        // A long first line, so that some chunk's cut lands inside it and the next chunk begins at the phantom.
        let phantom = "\"" + String(repeating: "Z", count: 400) + "\nA8,2025-01-09,9,1,1,1,1\n\",2025-01-05,1,1,1,1,1"
        let window = Day(year: 2025, month: 1, day: 10)!...Day(year: 2025, month: 1, day: 13)!
        for gzip in [false, true] {
            let dir = try Self.directory(rows: 800, extra: [phantom, "A9,2024-12-01,0,1,1,1,1", phantom])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            if gzip { try CompressedSignalsTests.compress("usage.csv", in: dir) }
            let whole = try SignalsReader(options: SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: Int.max)).read(directory: dir)
            let options = SignalsReadOptions(skipInvalid: true, parallelMinimumBytes: 0, parallelChunkBytes: chunk, usageWindow: window)
            let windowed = try SignalsReader(options: options).read(directory: dir)
            let all = try #require(whole.dataset.usage), kept = try #require(windowed.dataset.usage)
            let facts = try #require(kept.window)
            var lastActive = [Int32](repeating: Int32.min, count: 50), hasRow = [Bool](repeating: false, count: 50)
            var dropped: ClosedRange<Int32>?
            for r in 0..<all.count {
                let day = all.date[r].ordinal
                if !(window.lowerBound.ordinal...window.upperBound.ordinal).contains(day) {
                    dropped = dropped.map { min($0.lowerBound, day)...max($0.upperBound, day) } ?? day...day
                }
                guard day < window.lowerBound.ordinal else { continue }
                let a = Int(all.account[r])
                hasRow[a] = true
                if UsageWindowFacts.isActive(activeUsers: all.activeUsers!.raw[r]) { lastActive[a] = max(lastActive[a], day) }
            }
            // A8's last active day before the window is 2025-01-08 (its 2025-01-09 row has none active).
            #expect(lastActive[8] == Day(year: 2025, month: 1, day: 8)!.ordinal)
            #expect(facts.hasRowBefore == hasRow, "gzip \(gzip), chunk \(chunk)")
            #expect(facts.lastActiveBefore == lastActive, "gzip \(gzip), chunk \(chunk)")
            #expect(facts.droppedDays == dropped, "gzip \(gzip), chunk \(chunk)")
            #expect(windowed.report.problems == whole.report.problems)
            #expect(kept.count == (0..<all.count).filter { window.contains(all.date[$0]) }.count)
        }
    }
}
