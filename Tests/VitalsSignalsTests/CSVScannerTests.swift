import Testing
import VitalsFoundation
import VitalsSignals
import VitalsTestSupport

/// Frames every record of `bytes`, returning (line, fields, fault) per record.
private func scan(_ bytes: [UInt8], chunkSize: Int = 1 << 20, maxRecordBytes: Int = CSVScanner.defaultMaxRecordBytes) throws
    -> [(line: Int, fields: [String], fault: CSVFault?)]
{
    let dir = try TemporaryDirectory("scanner")
    defer { dir.remove() }
    let scanner = try CSVScanner(path: try dir.write("f.csv", bytes), chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    var records: [(Int, [String], CSVFault?)] = []
    while try scanner.next() { records.append((scanner.recordLine, scanner.fields, scanner.fault?.kind)) }
    return records
}

private func scan(_ text: String, chunkSize: Int = 1 << 20, maxRecordBytes: Int = CSVScanner.defaultMaxRecordBytes) throws
    -> [(line: Int, fields: [String], fault: CSVFault?)]
{
    try scan(Array(text.utf8), chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
}

@Suite struct CSVScannerTests {
    @Test func quotesEscapesAndEmbeddedLineBreaks() throws {
        let records = try scan("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,\n")
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "", ""]])
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records.allSatisfy { $0.fault == nil })
    }

    @Test func crlfAndMixedLineEnds() throws {
        let records = try scan("a,b\r\n1,2\n3,\"4\r\n5\"\r\n")
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4\r\n5"]])
        #expect(records.map(\.line) == [1, 2, 3])
    }

    @Test func byteOrderMarkIsSkippedOnlyAtTheStart() throws {
        let records = try scan([0xEF, 0xBB, 0xBF] + Array("id,x\n\u{FEFF}v,1\n".utf8))
        #expect(records.map(\.fields) == [["id", "x"], ["\u{FEFF}v", "1"]])
    }

    @Test func missingTrailingNewlineAndTrailingComma() throws {
        #expect(try scan("a,b\n1,2").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(try scan("a,b\n1,").map(\.fields) == [["a", "b"], ["1", ""]])
        #expect(try scan("a,b\n\"1\",\"\"").map(\.fields) == [["a", "b"], ["1", ""]])
        #expect(try scan("a,b\n\"1\",").map(\.fields) == [["a", "b"], ["1", ""]])
    }

    @Test func emptyFieldsAndBlankLines() throws {
        let records = try scan(",,\n\n\r\n,x,\n\n")
        #expect(records.map(\.fields) == [["", "", ""], ["", "x", ""]])
        #expect(records.map(\.line) == [1, 4])
        #expect(try scan("").isEmpty)
        #expect(try scan("\n\n").isEmpty)
    }

    @Test func faultsAreLocatedAndFramingRecovers() throws {
        let records = try scan("a,b\nx\"y,1\n\"q\"z,2\nn\u{0}l,3\nc\rr,4\nok,5\n")
        #expect(records.map(\.fault) == [nil, .strayQuote, .textAfterClosingQuote, .nulByte, .bareCarriageReturn, nil])
        #expect(records.map(\.line) == [1, 2, 3, 4, 5, 6])
        #expect(records.last?.fields == ["ok", "5"])
    }

    @Test func unterminatedQuoteReportsTheLineWhereItOpened() throws {
        let records = try scan("a,b\n1,2\n3,\"open\nmore\nstill\n")
        #expect(records.count == 3)
        #expect(records[2].fault == .unterminatedQuote)
        #expect(records[2].line == 3)
    }

    // Every split point of the input must give the same records: this drives
    // the refill-and-rescan path through each state of the state machine.
    @Test func everyChunkBoundaryGivesTheSameRecords() throws {
        let text = "id,\"na,me\",v\r\n1,\"a \"\"b\"\"\nc\",2\r\n\"\",,\"x\"\n3,\"\"\"\",4"
        let expected = try scan(text).map(\.fields)
        for chunk in [64, 65, 67, 71, 97] {
            let padded = String(repeating: "p,q,r\n", count: 9) + text  // moves the tricky bytes across the 64-byte edge
            let records = try scan(padded, chunkSize: chunk).map(\.fields)
            #expect(Array(records.suffix(expected.count)) == expected, "chunk \(chunk)")
            #expect(records.count == expected.count + 9)
        }
    }

    // A randomized round trip: encode random tables per RFC 4180, scan with small chunks, compare.
    @Test func randomTablesRoundTrip() throws {
        var rng = SeededGenerator(seed: 7)
        let alphabet: [String] = ["a", "b", "7", ",", "\"", "\n", "\r\n", " ", "é", "😀", ".", "-"]
        for trial in 0..<40 {
            let columns = Int.random(in: 1...5, using: &rng)
            let rows = (0..<Int.random(in: 1...30, using: &rng)).map { _ in
                (0..<columns).map { _ in
                    (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                }
            }
            // An all-empty one-column row would be a blank line, which the scanner skips by design.
            let table = rows.filter { !(columns == 1 && $0[0].isEmpty) }
            var text = ""
            for row in table {
                text += row.map { field in
                    // Scalars, not Characters: "\r\n" is one Character, so a lone "\n" would slip past.
                    let needsQuotes = field.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) })
                        || Bool.random(using: &rng)
                    return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }.joined(separator: ",")
                text += Bool.random(using: &rng) ? "\r\n" : "\n"
            }
            let chunk = [64, 80, 1 << 16].randomElement(using: &rng)!
            let records = try scan(text, chunkSize: chunk)
            #expect(records.map(\.fields) == table, "trial \(trial), chunk \(chunk)")
            #expect(records.allSatisfy { $0.fault == nil })
        }
    }

    @Test func aTenMegabyteFieldGrowsTheBufferWhenTheLimitAllowsIt() throws {
        let big = String(repeating: "x", count: 10_000_000)
        let records = try scan("id,blob\n1,\"\(big)\"\n2,small\n", chunkSize: 1 << 16, maxRecordBytes: 16 << 20)
        #expect(records.count == 3)
        #expect(records[1].fields[1].utf8.count == 10_000_000)
        #expect(records[2].fields == ["2", "small"])
        #expect(records[2].line == 3)
    }

    /// Past `maxRecordBytes` the scan stops with `.rowTooLong` at the record's first line,
    /// whether the record ends later (a long field) or never does (a quote left open).
    @Test(arguments: [64, 1000, 1 << 16])
    func aRecordPastTheLimitStopsTheScan(chunk: Int) throws {
        let limit = 4096
        let exactly = String(repeating: "y", count: limit - 2)
        let long = try scan("id,blob\n1,\(exactly)\r\n2,\(String(repeating: "x", count: 3 * limit))\n3,after\n",
                            chunkSize: chunk, maxRecordBytes: limit)
        #expect(long.map(\.line) == [1, 2, 3])
        #expect(long.map(\.fault) == [nil, nil, .rowTooLong])
        let open = try scan("id,blob\n1,ok\n2,\"\(String(repeating: "z\n", count: 3 * limit))", chunkSize: chunk, maxRecordBytes: limit)
        #expect(open.map(\.line) == [1, 2, 3])
        #expect(open.map(\.fault) == [nil, nil, .rowTooLong])
        // One byte over the limit, ended by the file's end with no line end.
        let last = try scan("id,blob\n1,\(String(repeating: "w", count: limit - 1))", chunkSize: chunk, maxRecordBytes: limit)
        #expect(last.map(\.fault) == [nil, .rowTooLong])
    }

    @Test func missingFileIsAnIOError() {
        #expect(throws: SignalsIOError.self) { try CSVScanner(path: "/nonexistent/file.csv") }
    }
}
