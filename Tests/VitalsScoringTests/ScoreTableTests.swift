import Foundation
import Testing
import VitalsScoring
import VitalsTestSupport

@Suite struct ScoreTableTests {
    static let table = ScoreTable(columns: ["account_id", "churn_probability", "seats", "top_drivers", "previous_probability"], rows: [
        [.text("A1"), .number(0.25), .integer(12), .text("nps_detractor_share:+0.61; usage_trend_90d:+0.44"), .missing],
        [.text("Kestrel, \"Media\""), .number(1), .integer(0), .text("line\nbreak\ttab\\"), .number(0.1)],
    ])

    @Test func csvQuotesOnlyWhatNeedsIt() {
        #expect(Self.table.csv() == """
            account_id,churn_probability,seats,top_drivers,previous_probability
            A1,0.25,12,nps_detractor_share:+0.61; usage_trend_90d:+0.44,
            "Kestrel, ""Media""\",1,0,"line
            break\ttab\\",0.1

            """)
    }

    @Test func jsonLinesHaveTheSameFieldsAndParse() throws {
        let lines = Self.table.jsonLines().split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"account_id":"A1","churn_probability":0.25,"seats":12,"top_drivers":"nps_detractor_share:+0.61; usage_trend_90d:+0.44","previous_probability":null}"#)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["account_id"] as? String == "Kestrel, \"Media\"")
        #expect(second["top_drivers"] as? String == "line\nbreak\ttab\\")
        #expect(second["previous_probability"] as? Double == 0.1)
    }

    /// Money always has two decimals and drivers one form per file type (docs/schema/): a
    /// whole ARR is not written as an integer, and JSON has the drivers as an array.
    @Test func moneyHasTwoDecimalsAndDriversOneFormPerFileType() throws {
        let drivers = [ScoreTable.Driver(feature: "tenure_days", contribution: 0.2575, phrase: "customer for 4 months"),
                       ScoreTable.Driver(feature: "a × b", contribution: 0.1, phrase: nil)]
        let table = ScoreTable(columns: ["arr", "arr_at_risk", "top_drivers", "change"], rows: [
            [.money(49606), .money(1234.5), .drivers(drivers), .missing],
            [.money(0.004), .missing, .drivers([]), .number(-0.25)],
        ])
        #expect(table.csv() == "arr,arr_at_risk,top_drivers,change\n49606.00,1234.50,tenure_days:+0.26; a × b:+0.10,\n0.00,,,-0.25\n")
        #expect(table.jsonLines() == """
            {"arr":49606.00,"arr_at_risk":1234.50,"top_drivers":[{"feature":"tenure_days","contribution":0.2575,"phrase":"customer for 4 months"},\
            {"feature":"a × b","contribution":0.1,"phrase":null}],"change":null}
            {"arr":0.00,"arr_at_risk":null,"top_drivers":[],"change":-0.25}

            """)
        #expect(throws: ScoreTable.NonFinite.self) { try ScoreTable(columns: ["arr"], rows: [[.money(.nan)]]).files(stem: "x") }
    }

    @Test func filesAreWrittenWholeWithNoTemporaryLeft() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try Self.table.write(directory: directory.path, stem: "churn-scores-2025-12-31")
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["churn-scores-2025-12-31.csv", "churn-scores-2025-12-31.jsonl"])
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == Self.table.csv())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 2)
        // A missing directory is created; one that cannot be (its parent is a file) is an error.
        let nested = try Self.table.write(directory: directory.path("new/dir"), stem: "x")
        #expect(nested.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        try directory.write("plain-file", "not a directory")
        #expect(throws: (any Error).self) { try Self.table.write(directory: directory.path("plain-file/dir"), stem: "x") }
    }

    /// A table of several megabytes goes to disk in pieces: each file is every row once, in
    /// order, as the row alone formats it (rows never split or repeated at a piece's edge).
    @Test func aLargeTableIsWrittenInPiecesRowByRow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rows: [[ScoreTable.Value]] = (0..<40_000).map { k in
            [.text("A\(k)"), .number(Double(k % 997) / 997), .integer(k), .drivers([.init(feature: "usage_trend_90d", contribution: 0.5, phrase: "usage fell \(k)%")]),
             k % 3 == 0 ? .missing : .text("note \"\(k)\", with a comma")]
        }
        let table = ScoreTable(columns: ["account_id", "p", "n", "top_drivers", "note"], rows: rows)
        let paths = try table.write(directory: directory.path, stem: "big")
        let csv = try #require(FileManager.default.contents(atPath: paths[0])), jsonl = try #require(FileManager.default.contents(atPath: paths[1]))
        #expect(csv.count > 2 * ScoreTable.pieceBytes)
        #expect(jsonl.count > 4 * ScoreTable.pieceBytes)
        func alone(_ row: [ScoreTable.Value]) -> ScoreTable { ScoreTable(columns: table.columns, rows: [row]) }
        let header = table.columns.joined(separator: ",") + "\n"
        #expect(String(decoding: csv, as: UTF8.self) == header + rows.map { String(alone($0).csv().dropFirst(header.count)) }.joined())
        #expect(String(decoding: jsonl, as: UTF8.self) == rows.map { alone($0).jsonLines() }.joined())
    }
}
