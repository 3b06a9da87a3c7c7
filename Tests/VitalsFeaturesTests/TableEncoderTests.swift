import Foundation
import Testing
import VitalsFeatures
import VitalsLinearAlgebra
import VitalsTestSupport

@Suite struct TableEncoderTests {
    static func table(_ text: String) throws -> FeatureTable {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try FeatureTable.read(path: directory.write("table.csv", text))
    }

    /// Worked by hand: seats is numeric with one missing value (median of 10, 20, 40 = 20,
    /// plus an indicator); plan is text with a missing value (levels sorted, then __missing__);
    /// id and label are excluded.
    @Test func encodingIsLearnedOnTrainingRows() throws {
        let train = try Self.table("""
            id,seats,plan,churned
            a, 10,basic,yes
            b,20 ,pro,no
            c,,basic,No
            d,40,,TRUE

            """)
        #expect(train.rowCount == 4 && train.lines == [2, 3, 4, 5])
        let (encoder, warnings) = try TableEncoder.fit(train, excluding: ["id", "churned"])
        #expect(warnings.isEmpty)
        #expect(encoder.featureNames == ["seats", "seats__missing", "plan=basic", "plan=pro", "plan=__missing__"])
        #expect(try encoder.transform(train) == Matrix([
            [10, 0, 1, 0, 0], [20, 0, 0, 1, 0], [20, 1, 1, 0, 0], [40, 0, 0, 0, 1],
        ]))
        #expect(try train.labels("churned") == [1, 0, 0, 1])

        // Scoring: an unseen plan goes to the reserved level (no indicator); column order may differ.
        let score = try Self.table("plan,seats,id\nenterprise,5,e\npro,,f\n")
        #expect(try encoder.transform(score) == Matrix([[5, 0, 0, 0, 0], [20, 1, 0, 1, 0]]))
    }

    @Test func problemsNameFileLineAndColumn() throws {
        let train = try Self.table("seats,plan,churned\n1,a,1\n2,b,0\n")
        let (encoder, _) = try TableEncoder.fit(train, excluding: ["churned"])
        let missing = try Self.table("seats\n3\n")
        #expect(throws: TableError(path: missing.path, column: "plan", message: "the table lacks column plan, which the model needs")) {
            try encoder.transform(missing)
        }
        let text = try Self.table("seats,plan\n3,a\nmany,b\n")
        #expect(throws: TableError(path: text.path, line: 3, column: "seats",
                                   message: "'many' is not a finite number, and the model reads this column as numeric "
                                + "(missing values are '', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?')")) {
            try encoder.transform(text)
        }
        let badLabel = try Self.table("x,y\n1,maybe\n")
        #expect(throws: TableError(path: badLabel.path, line: 2, column: "y", message: "label 'maybe' is neither positive (1, 1.0, true, t, yes, y) nor negative (0, 0.0, false, f, no, n); "
                                + "set labels.positive and labels.negative in the config for other texts")) {
            try badLabel.labels("y")
        }
        let ragged = try? Self.table("a,b\n1,2\n3\n")
        #expect(ragged == nil)
        do {
            _ = try Self.table("a,b\n1,2\n3\n")
        } catch let error as TableError {
            #expect(error.line == 3)
            #expect(error.message == "1 fields, but the header has 2")
        }
        #expect(throws: TableError.self) { try Self.table("a,a\n1,2\n") }
    }

    @Test func identifierLikeTextColumnsAreLeftOutWithAWarning() throws {
        let rows = (0..<150).map { "C\($0),\($0 % 3)" }.joined(separator: "\n")
        let table = try Self.table("customer,bucket\n" + rows + "\n")
        let (encoder, warnings) = try TableEncoder.fit(table, excluding: [])
        #expect(encoder.featureNames == ["bucket"])
        #expect(warnings.count == 1 && warnings[0].hasPrefix("column customer has 150 distinct text values"))
    }
}
