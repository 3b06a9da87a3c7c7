import Foundation
import Testing
import VitalsAdditive
import VitalsFoundation
import VitalsModel
import VitalsSignals
@testable import VitalsSQL
import VitalsTestSupport

/// The parts of the SQL compiler that need no engine: the spline shapes as piecewise
/// polynomials against the model's own evaluation, the literals every engine must read back
/// exactly, the operator grouping, and the contract's tables against the harness's schema.
@Suite struct ScoringSQLUnitTests {
    static let churn: ModelFile = { try! ModelFile.load(path: Fixtures.packageRoot.appendingPathComponent("Models/churn.json").path) }()

    /// Every spline term of the committed churn model, at its knots, between them and beyond its
    /// range: the Horner form equals `contribution(feature:value:)` to 1e-12 of the shape's range.
    @Test func splineShapesAsPiecewisePolynomialsEqualTheModel() throws {
        let model = Self.churn.model
        let shapes = try #require(model.shapes)
        var checked = 0
        for (j, term) in shapes.terms.enumerated() {
            guard case let .spline(basis, _) = term.kind else { continue }
            let breakpoints = [basis.lower] + basis.interiorKnots + [basis.upper]
            let shape = PiecewisePolynomial(breakpoints: breakpoints, degree: basis.degree) { model.contribution(feature: j, value: $0) }
            let width = basis.upper - basis.lower
            var points = breakpoints + [basis.lower - width, basis.upper + width]
            for k in 0..<200 { points.append(basis.lower - 0.1 * width + 1.2 * width * Double(k) / 199) }
            let values = points.map { model.contribution(feature: j, value: $0) }
            let scale = max(1e-3, (values.max()! - values.min()!))
            for (x, expected) in zip(points, values) {
                #expect(abs(shape.value(at: x) - expected) <= 1e-12 * scale, "\(term.feature) at \(x)")
            }
            checked += 1
        }
        #expect(checked >= 10)
    }

    /// A degree-1 ramp and a cubic with known coefficients: the expansion into powers of u is exact.
    @Test func polynomialsAreReproducedExactly() {
        let cubic = PiecewisePolynomial(breakpoints: [0, 1, 3], degree: 3) { x in x < 1 ? 2 * x * x * x - x + 1 : 2 - (x - 1) * (x - 1) }
        for x in [-1.0, 0, 0.25, 0.5, 0.999, 1, 1.5, 2.75, 3, 5] {
            let expected = x <= 0 ? 1 : x >= 3 ? -2 : x < 1 ? 2 * x * x * x - x + 1 : 2 - (x - 1) * (x - 1)
            #expect(abs(cubic.value(at: x) - expected) < 1e-14, "x = \(x)")
        }
    }

    /// Doubles are written as text every engine parses back to the same binary64.
    @Test func doubleLiteralsRoundTrip() {
        for value in [0.1, 1.0 / 3, -2.5e-300, 6.02214076e23, 1e-12, -0.0, Double.ulpOfOne, 123456789.123456789] {
            for dialect in SQLDialect.allCases {
                let text = dialect.doubleLiteral(value)
                guard let open = text.firstIndex(of: "'"), let close = text.lastIndex(of: "'"), open != close else {
                    #expect(value == 0, "\(text)")
                    continue
                }
                #expect(Double(String(text[text.index(after: open)..<close])) == value, "\(dialect): \(text)")
            }
        }
    }

    /// The tree decides the grouping: a − (b − c) and a / (b · c) keep their parentheses.
    @Test func operandsAreParenthesizedByTheTree() {
        let r = SQLRenderer(dialect: .duckdb, asOf: Day("2025-01-31"))
        let a = SQLExpression.column("a"), b = SQLExpression.column("b"), c = SQLExpression.column("c")
        #expect(r.render(a - (b - c)) == "\"a\" - (\"b\" - \"c\")")
        #expect(r.render((a - b) - c) == "\"a\" - \"b\" - \"c\"")
        #expect(r.render(a / (b * c)) == "\"a\" / (\"b\" * \"c\")")
        #expect(r.render((a + b) * c) == "(\"a\" + \"b\") * \"c\"")
        #expect(r.render(.asOf) == "DATE '2025-01-31'")
        #expect(SQLRenderer(dialect: .postgres, asOf: nil).render(.asOf) == "CURRENT_DATE")
        #expect(SQLDialect.spark.textLiteral("it's a\\b") == "'it''s a\\\\b'")
    }

    /// The harness loads books with Tools/sql/contract-schema.json; it must say what the
    /// contract (the Swift schema) says, table for table and column for column.
    @Test func theHarnessSchemaIsTheContract() throws {
        struct Schema: Decodable, Equatable {
            struct Table: Decodable, Equatable {
                struct Column: Decodable, Equatable { let name: String; let type: String }
                let name: String
                let file: String
                let columns: [Column]
            }
            let tables: [Table]
        }
        let harness = try JSONDecoder().decode(Schema.self, from: Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Tools/sql/contract-schema.json")))
        let generated = try JSONDecoder().decode(Schema.self, from: Data(ContractTables.json.utf8))
        #expect(harness == generated)
        #expect(generated.tables.count == SignalsFile.allCases.count)
    }

    /// An overrun model compiles in every dialect to the overrun score file's columns (its
    /// scores are compared with `vitals score` in ExportSQLTests); its features stage is the
    /// project id and the layout's features.
    @Test func overrunModelsCompileToTheOverrunScoreFile() throws {
        let overrun = try ModelFile.load(path: Fixtures.packageRoot.appendingPathComponent("Models/overrun.json").path)
        let columns = ["project_id", "account_id", "as_of", "overrun_probability", "budget_hours", "hours_logged", "change_order_hours",
                       "forecast_hours_at_completion", "forecast_overrun_pct", "forecast_end_date", "top_drivers",
                       "forecast_hours_low", "forecast_hours_high", "forecast_end_low", "forecast_end_high", "hours_overrun_probability",
                       "late_probability", "model_id"]
        for dialect in SQLDialect.allCases {
            let sql = try ScoringSQL.query(model: overrun, dialect: dialect, asOf: Day("2025-12-31"))
            for column in columns { #expect(sql.contains(dialect.identifier(column)), "\(dialect): \(column)") }
            #expect(sql.count < 2_000_000)
        }
        let features = try ScoringSQL.query(model: overrun, dialect: .duckdb, asOf: nil, stage: .features)
        for name in ["project_id"] + overrun.signals!.layout.featureNames { #expect(features.contains(SQLDialect.duckdb.identifier(name)), "\(name)") }
    }

    @Test func aPostgresQueryMaterializesItsCTEsAndReadsTheCurrentDate() throws {
        let sql = try ScoringSQL.query(model: Self.churn, dialect: .postgres, asOf: nil)
        #expect(sql.contains("CURRENT_DATE") && sql.contains("MATERIALIZED"))
        #expect(sql.count < 2_000_000)
    }
}
