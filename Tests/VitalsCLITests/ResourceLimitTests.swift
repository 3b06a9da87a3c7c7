import Foundation
import Testing
import VitalsTestSupport

/// Memory stays bounded on a 1.2 GB usage.csv, and a file that is not CSV fails at once.
/// Peak memory is what `--timings` prints, the child's VmHWM: wait4's ru_maxrss would also
/// count the test process's memory at the spawn.
@Suite(.serialized) struct ResourceLimitTests {
    /// Runs vitals with `--timings`; returns the exit status, peak resident memory in bytes and stdout.
    static func measured(_ arguments: [String]) throws -> (status: Int32, peakBytes: Int, stdout: String) {
        let result = try VitalsProcess.run(arguments + ["--timings"])
        let line = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("peak resident memory ") })
        let megabytes = try #require(Int(line.split(separator: " ")[3]))
        return (result.status, megabytes << 20, result.stdout)
    }

    /// accounts.csv with `accounts` rows, and usage.csv with one row per account per day for
    /// `days` days, written a day's block at a time (the date patched in place).
    static func writeBook(in directory: TemporaryDirectory, accounts: Int, days: Int) throws -> Int {
        var text = "account_id,contract_start\n"
        for a in 0..<accounts { text += "A\(a),2022-06-01\n" }
        try directory.write("accounts.csv", text)
        var block: [UInt8] = []
        var dateOffsets: [Int] = []
        for a in 0..<accounts {
            block += Array("A\(a),".utf8)
            dateOffsets.append(block.count)
            block += Array("2023-01-01,\(a % 40),\(a % 97 + 3),\(a % 211),\(a % 9),\(a % 7)\n".utf8)
        }
        FileManager.default.createFile(atPath: directory.path("usage.csv"), contents: Data("account_id,date,active_users,sessions,key_events,workflows_started,workflows_completed\n".utf8))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path("usage.csv")))
        defer { try? handle.close() }
        try handle.seekToEnd()
        var day = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2023, month: 1, day: 1).date!
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        var total = 0
        for _ in 0..<days {
            let date = Array(formatter.string(from: day).utf8)
            block.withUnsafeMutableBufferPointer { b in
                for offset in dateOffsets { for k in 0..<10 { b[offset + k] = date[k] } }
            }
            try handle.write(contentsOf: block)
            total += block.count
            day = day.addingTimeInterval(86_400)
        }
        return total
    }

    @Test func aTwelveHundredMegabyteUsageFileIsReadInBoundedMemory() throws {
        let dir = try TemporaryDirectory("large-usage")
        defer { dir.remove() }
        let bytes = try Self.writeBook(in: dir, accounts: 50_000, days: 780)
        #expect(bytes > 1_200_000_000)
        let result = try Self.measured(["validate", dir.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains(": valid"))
        #expect(result.stdout.contains("usage.csv           39000000"))
        // The typed columns take 28 bytes a row (seven Int32s) against about 31 bytes of text;
        // the bound leaves room for one column during the merge of the parallel chunks (it was 1.85×
        // before the chunks moved from malloc to their own pages).
        let ratio = Double(result.peakBytes) / Double(bytes)
        print("memory: vitals validate on a \(bytes / 1_000_000) MB usage.csv (39,000,000 rows): peak RSS \(result.peakBytes / 1_000_000) MB, "
              + String(format: "%.2f", ratio) + "× the file")
        #expect(ratio < 1.3)
    }

    /// 300 MB of binary noise as usage.csv: refused on line 1 as unreadable, in a few MB of
    /// memory, so the file was not read through.
    @Test func aFileThatIsNotCSVFailsAtOnce() throws {
        let dir = try TemporaryDirectory("not-csv")
        defer { dir.remove() }
        try dir.write("accounts.csv", "account_id,contract_start\nA1,2024-01-01\n")
        var rng = SeededGenerator(seed: 3)
        var noise = [UInt8](repeating: 0, count: 1 << 20)
        FileManager.default.createFile(atPath: dir.path("usage.csv"), contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.path("usage.csv")))
        for k in noise.indices { noise[k] = UInt8.random(in: 0...255, using: &rng) }
        noise[5] = 0  // a NUL in the first line, as any binary file has early on
        for _ in 0..<300 { try handle.write(contentsOf: noise) }
        try handle.close()
        let result = try Self.measured(["validate", dir.path])
        #expect(result.status == 65)
        let problems = result.stdout.split(separator: "\n").filter { $0.hasPrefix("usage.csv:") }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("usage.csv:1: header: ") == true)
        #expect(result.peakBytes < 100_000_000, "peak RSS \(result.peakBytes) bytes: the file was read through")
    }
}
