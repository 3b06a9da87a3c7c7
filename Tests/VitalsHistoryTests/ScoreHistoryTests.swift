import Foundation
import GRDB
import Testing
import VitalsHistory
import VitalsTestSupport

@Suite struct ScoreHistoryTests {
    struct Boom: Error {}

    static func run(_ asOf: String, model: String = "churn-aaaa") -> ScoreHistory.Run {
        ScoreHistory.Run(task: "churn", asOf: asOf, modelID: model, scoreFile: "churn-scores-\(asOf).csv", rows: 2)
    }

    /// A history written before migration v2 (no log_odds) opens, keeps its runs, and takes new ones.
    @Test func olderHistoriesAreMigratedInPlace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("v1.sqlite")
        do {
            // Exactly what the v1 release created, with GRDB's record of the applied migration.
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1');
                    CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, task TEXT NOT NULL, as_of TEXT NOT NULL,
                        model_id TEXT NOT NULL, score_file TEXT NOT NULL, rows INTEGER NOT NULL, UNIQUE(task, as_of, model_id));
                    CREATE TABLE scores (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, entity_id TEXT NOT NULL,
                        probability DOUBLE NOT NULL, risk_band TEXT, health_state TEXT, arr DOUBLE, PRIMARY KEY(run_id, entity_id));
                    CREATE INDEX scores_by_entity ON scores(entity_id);
                    INSERT INTO runs (task, as_of, model_id, score_file, rows) VALUES ('churn', '2025-11-30', 'churn-old', 'f.csv', 1);
                    INSERT INTO scores VALUES (1, 'A1', 0.25, 'medium', 'neutral', 900);
                    """)
            }
        }
        let history = try ScoreHistory(path: path)
        let old = try #require(try history.runs().first)
        #expect(try history.scores(of: old)["A1"] == .init(runID: 1, entityID: "A1", probability: 0.25, riskBand: "medium", healthState: "neutral", arr: 900))
        try history.append(Self.run("2025-12-31"), scores: [.init(entityID: "A1", probability: 0.4, logOdds: -0.4)])
        let new = try #require(try history.runs().last)
        #expect(try history.scores(of: new)["A1"]?.logOdds == -0.4)
        #expect(try history.trend(entity: "A1", task: "churn").map(\.probability) == [0.25, 0.4])
    }

    /// Migration v4-score-rows: runs recorded before it keep a NULL `created_at` and drivers; new
    /// runs are stamped; the `score_rows` view joins each score with its run in the outputs' names.
    @Test func theScoreRowsViewJoinsRunsAndScoresForBITools() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("history.sqlite")
        let history = try ScoreHistory(path: path)
        try GRDB.DatabaseQueue(path: path).write { db in
            // A run as a vitals before v4-score-rows recorded it: no time, no drivers.
            try db.execute(sql: "INSERT INTO runs (task, as_of, model_id, score_file, rows) VALUES ('churn', '2025-10-31', 'churn-old', 'f.csv', 1)")
            try db.execute(sql: "INSERT INTO scores (run_id, entity_id, probability, risk_band, health_state, arr) VALUES (1, 'A1', 0.25, 'medium', 'neutral', 900)")
        }
        #expect(try history.run(task: "churn", asOf: "2025-11-30", modelID: "churn-aaaa") == nil)
        let recorded = try history.append(Self.run("2025-11-30"), scores: [
            .init(entityID: "A1", probability: 0.4, riskBand: "high", healthState: "at_risk", arr: 900, topDrivers: "tenure_days:+0.30; log_arr:+0.09"),
        ])
        try history.append(ScoreHistory.Run(task: "overrun", asOf: "2025-11-30", modelID: "overrun-bbbb", scoreFile: "o.csv", rows: 1),
                           scores: [.init(entityID: "P1", probability: 0.7, riskBand: "high", healthState: "off_track")])
        let stamp = try #require(recorded.createdAt)
        #expect(stamp.count == 20 && stamp.hasSuffix("Z") && stamp.dropFirst(10).first == "T", "\(stamp)")
        #expect(try history.run(task: "churn", asOf: "2025-11-30", modelID: "churn-aaaa")?.createdAt == stamp)

        let rows = try GRDB.DatabaseQueue(path: path).read { db in try Row.fetchAll(db, sql: "SELECT * FROM score_rows ORDER BY run_id") }
        #expect(rows.first.map { Array($0.columnNames) } == ["run_id", "task", "as_of", "model_id", "created_at", "entity_id", "account_id", "project_id",
                                                            "probability", "risk_band", "health_state", "phase", "arr", "top_drivers"])
        #expect(rows.count == 3)
        // Each row's text and number columns, as a BI tool reads them.
        let text = { (row: Row) in Dictionary(uniqueKeysWithValues: row.columnNames.map { name in (name, String.fromDatabaseValue(row[name] as DatabaseValue)) }) }
        let old = text(rows[0]), churn = text(rows[1]), overrun = text(rows[2])
        #expect(old["created_at"]! == nil && old["top_drivers"]! == nil && old["as_of"] == "2025-10-31")
        #expect(churn["account_id"] == "A1" && churn["project_id"]! == nil && churn["health_state"] == "at_risk" && churn["phase"]! == nil)
        #expect(churn["created_at"] == stamp && churn["model_id"] == "churn-aaaa" && churn["top_drivers"] == "tenure_days:+0.30; log_arr:+0.09")
        let arr: Double? = rows[1]["arr"], probability: Double? = rows[1]["probability"]
        #expect(arr == 900 && probability == 0.4 && churn["risk_band"] == "high")
        #expect(overrun["project_id"] == "P1" && overrun["account_id"]! == nil && overrun["phase"] == "off_track")
        #expect(overrun["health_state"]! == nil && overrun["task"] == "overrun")
    }

    @Test func runsScoresAndTrendsSurviveReopening() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("history.sqlite")
        do {
            let history = try ScoreHistory(path: path)
            try history.append(Self.run("2025-11-30"), scores: [
                .init(entityID: "A1", probability: 0.2, riskBand: "low", healthState: "healthy", arr: 1000),
                .init(entityID: "A2", probability: 0.6, riskBand: "high", healthState: "at_risk", arr: 500),
            ])
            try history.append(Self.run("2025-12-31"), scores: [
                .init(entityID: "A1", probability: 0.35, riskBand: "medium", healthState: "neutral", arr: 1000),
                .init(entityID: "A3", probability: 0.7, riskBand: "high", healthState: "at_risk", arr: 200),
            ])
        }
        let history = try ScoreHistory(path: path)  // migrations are not re-applied
        #expect(try history.runs().map(\.asOf) == ["2025-11-30", "2025-12-31"])
        let previous = try #require(try history.previousRun(task: "churn", before: "2025-12-31"))
        #expect(previous.asOf == "2025-11-30")
        #expect(try history.previousRun(task: "churn", before: "2025-11-30") == nil)
        #expect(try history.previousRun(task: "overrun", before: "2026-01-01") == nil)
        let earlier = try history.scores(of: previous)
        #expect(Set(earlier.keys) == ["A1", "A2"] && earlier["A2"]?.riskBand == "high")
        let trend = try history.trend(entity: "A1", task: "churn")
        #expect(trend.map(\.asOf) == ["2025-11-30", "2025-12-31"])
        #expect(trend.map(\.probability) == [0.2, 0.35])
        #expect(trend.last?.healthState == "neutral")
    }

    @Test func rescoringTheSameDateAndModelReplacesTheRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = try ScoreHistory(path: directory.path("h.sqlite"))
        try history.append(Self.run("2025-12-31"), scores: [.init(entityID: "A1", probability: 0.1)])
        let replaced = try history.append(Self.run("2025-12-31"), scores: [.init(entityID: "A1", probability: 0.4)])
        try history.append(Self.run("2025-12-31", model: "churn-bbbb"), scores: [.init(entityID: "A1", probability: 0.5)])
        #expect(try history.runs().count == 2)
        #expect(try history.scores(of: replaced)["A1"]?.probability == 0.4)
        #expect(try history.trend(entity: "A1", task: "churn").map(\.probability) == [0.4, 0.5])
    }

    /// A run that fails inside its transaction leaves the history exactly as it was.
    @Test func aFailedRunLeavesTheHistoryAsItWas() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = try ScoreHistory(path: directory.path("h.sqlite"))
        try history.append(Self.run("2025-11-30"), scores: [.init(entityID: "A1", probability: 0.1)])
        #expect(throws: Boom.self) {
            try history.append(Self.run("2025-11-30"), scores: [.init(entityID: "A1", probability: 0.9)]) { throw Boom() }
        }
        #expect(throws: (any Error).self) {  // a duplicate entity breaks the primary key midway
            try history.append(Self.run("2025-12-31"), scores: [.init(entityID: "A1", probability: 0.2), .init(entityID: "A1", probability: 0.3)])
        }
        #expect(try history.runs().map(\.asOf) == ["2025-11-30"])
        #expect(try history.trend(entity: "A1", task: "churn").map(\.probability) == [0.1])
    }
}

/// The history is identified before anything in it changes.
@Suite struct ScoreHistoryIdentityTests {
    @Test func aNewHistoryCarriesVitalsApplicationID() throws {
        let dir = try TemporaryDirectory("identity")
        defer { dir.remove() }
        _ = try ScoreHistory(path: dir.path("h.sqlite"))
        let id = try DatabaseQueue(path: dir.path("h.sqlite")).read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(id == ScoreHistory.applicationID)
    }

    @Test func aForeignDatabaseIsRefusedAndLeftByteForByte() throws {
        let dir = try TemporaryDirectory("identity")
        defer { dir.remove() }
        let path = dir.path("other.sqlite")
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE runs (x INTEGER)") }
        let before = FileManager.default.contents(atPath: path)
        for access in [ScoreHistory.Access.read, .write] {
            #expect(throws: ScoreHistory.NotAHistory.self) { try ScoreHistory(path: path, access: access) }
        }
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    /// The window a second writer can open a new history in: GRDB's migrator has committed its
    /// empty `grdb_migrations` table but not yet the first migration (three `vitals score` runs
    /// into one new folder raced into it in CI). The writer goes on and migrates; a migration
    /// record, or any other table, is still judged as before.
    @Test func aHistoryCaughtBetweenGRDBsTableAndTheFirstMigrationIsTakenOver() throws {
        let dir = try TemporaryDirectory("identity")
        defer { dir.remove() }
        let path = dir.path("h.sqlite")
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        }
        let history = try ScoreHistory(path: path)
        try history.append(ScoreHistoryTests.run("2025-11-30"), scores: [.init(entityID: "A1", probability: 0.4, logOdds: -0.4)])
        #expect(try history.runs().map(\.asOf) == ["2025-11-30"])
        let id = try DatabaseQueue(path: path).read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(id == ScoreHistory.applicationID)

        let foreign = dir.path("foreign.sqlite")
        try DatabaseQueue(path: foreign).write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); INSERT INTO grdb_migrations VALUES ('createCustomers')")
        }
        let before = FileManager.default.contents(atPath: foreign)
        #expect(throws: ScoreHistory.NotAHistory.self) { try ScoreHistory(path: foreign) }
        #expect(FileManager.default.contents(atPath: foreign) == before)
    }

    @Test func readingNeitherCreatesNorMigrates() throws {
        let dir = try TemporaryDirectory("identity")
        defer { dir.remove() }
        #expect(throws: ScoreHistory.Missing.self) { try ScoreHistory(path: dir.path("absent.sqlite"), access: .read) }
        #expect(!FileManager.default.fileExists(atPath: dir.path("absent.sqlite")))
        // A history as release v1 wrote it (no log_odds, no application id) reads as it is…
        let path = dir.path("v1.sqlite")
        let queue = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, task TEXT NOT NULL, as_of TEXT NOT NULL, model_id TEXT NOT NULL, score_file TEXT NOT NULL, rows INTEGER NOT NULL, UNIQUE(task, as_of, model_id))")
            try db.execute(sql: "CREATE TABLE scores (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, entity_id TEXT NOT NULL, probability DOUBLE NOT NULL, risk_band TEXT, health_state TEXT, arr DOUBLE, PRIMARY KEY(run_id, entity_id))")
            try db.execute(sql: "INSERT INTO runs VALUES (1, 'churn', '2025-01-31', 'm', 'f.csv', 1)")
            try db.execute(sql: "INSERT INTO scores VALUES (1, 'A1', 0.25, 'medium', NULL, NULL)")
        }
        try migrator.migrate(queue)
        let before = FileManager.default.contents(atPath: path)
        let trend = try ScoreHistory(path: path, access: .read).trend(entity: "A1", task: "churn")
        #expect(trend.map(\.probability) == [0.25])
        #expect(FileManager.default.contents(atPath: path) == before)
        // …and is brought up to date, and stamped, when written.
        let history = try ScoreHistory(path: path, access: .write)
        _ = try history.append(.init(task: "churn", asOf: "2025-02-28", modelID: "m", scoreFile: "g.csv", rows: 1),
                               scores: [.init(entityID: "A1", probability: 0.3, logOdds: -0.8)])
        #expect(try history.trend(entity: "A1", task: "churn").map(\.probability) == [0.25, 0.3])
        let id = try DatabaseQueue(path: path).read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(id == ScoreHistory.applicationID)
    }
}
