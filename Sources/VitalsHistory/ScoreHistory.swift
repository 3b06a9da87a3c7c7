// VitalsHistory: the score history, an SQLite file kept through GRDB with versioned
// migrations: every scoring run and its scores, appended one transaction per run, read back
// as the previous run and as one entity's trend.

import Foundation
import GRDB

/// The score history: every scoring run and its scores, in an SQLite file, so deltas,
/// "new on the list" and trends survive across runs and dashboards can query them.
///
/// Schema (migration `v1`):
///
///     runs(id INTEGER PRIMARY KEY, task TEXT, as_of TEXT, model_id TEXT, score_file TEXT, rows INTEGER,
///          UNIQUE(task, as_of, model_id))
///     scores(run_id → runs.id ON DELETE CASCADE, entity_id TEXT, probability REAL, risk_band TEXT,
///            health_state TEXT, arr REAL, PRIMARY KEY(run_id, entity_id))
///     INDEX scores_by_entity(entity_id)
///
/// Migration `v2` adds `scores.log_odds REAL` (the uncalibrated log-odds, which orders ties
/// in the calibrated probability); runs recorded before it have NULL there.
///
/// Every append is one transaction: a run that fails or crashes midway leaves the history
/// as it was. Scoring the same task, date and model again replaces that run.
public final class ScoreHistory: Sendable {
    public struct Run: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
        public static let databaseTableName = "runs"
        public var id: Int64?
        public var task: String
        /// `YYYY-MM-DD`, so text order is date order.
        public var asOf: String
        public var modelID: String
        public var scoreFile: String
        public var rows: Int

        enum CodingKeys: String, CodingKey {
            case id, task, asOf = "as_of", modelID = "model_id", scoreFile = "score_file", rows
        }

        public init(id: Int64? = nil, task: String, asOf: String, modelID: String, scoreFile: String, rows: Int) {
            self.id = id
            self.task = task
            self.asOf = asOf
            self.modelID = modelID
            self.scoreFile = scoreFile
            self.rows = rows
        }

        public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    }

    public struct Score: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
        public static let databaseTableName = "scores"
        public var runID: Int64
        public var entityID: String
        public var probability: Double
        public var riskBand: String?
        public var healthState: String?
        public var arr: Double?
        /// The model's log-odds before calibration (migration v2; nil in runs recorded before it).
        /// Isotonic calibration maps ranges of log-odds to one probability; this keeps their order.
        public var logOdds: Double?

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", entityID = "entity_id", probability, riskBand = "risk_band", healthState = "health_state", arr
            case logOdds = "log_odds"
        }

        public init(runID: Int64 = 0, entityID: String, probability: Double, riskBand: String? = nil, healthState: String? = nil, arr: Double? = nil,
                    logOdds: Double? = nil) {
            self.runID = runID
            self.entityID = entityID
            self.probability = probability
            self.riskBand = riskBand
            self.healthState = healthState
            self.arr = arr
            self.logOdds = logOdds
        }
    }

    /// One point of an entity's trend.
    public struct TrendPoint: Sendable, Equatable, FetchableRecord {
        public let asOf: String
        public let probability: Double
        public let riskBand: String?
        public let healthState: String?
        public let modelID: String

        public init(row: Row) throws {
            asOf = row["as_of"]
            probability = row["probability"]
            riskBand = row["risk_band"]
            healthState = row["health_state"]
            modelID = row["model_id"]
        }
    }

    private let database: DatabaseQueue
    public let path: String

    /// The history file asked for does not exist (and was not to be created).
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "no score history at \(path); scoring with this file as the history creates it" }
    }

    /// The history file exists but is not a score history SQLite can open (corrupt, or another file).
    public struct Unreadable: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open the score history \(path): \(reason)" }
    }

    /// Opens the history at `path` and brings its schema up to date; creates the file when
    /// `create` (the default), else throws `Missing` when there is none.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        guard create || FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw Unreadable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "runs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("task", .text).notNull()
                t.column("as_of", .text).notNull()
                t.column("model_id", .text).notNull()
                t.column("score_file", .text).notNull()
                t.column("rows", .integer).notNull()
                t.uniqueKey(["task", "as_of", "model_id"])
            }
            try db.create(table: "scores") { t in
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                t.column("entity_id", .text).notNull()
                t.column("probability", .double).notNull()
                t.column("risk_band", .text)
                t.column("health_state", .text)
                t.column("arr", .double)
                t.primaryKey(["run_id", "entity_id"])
            }
            try db.create(index: "scores_by_entity", on: "scores", columns: ["entity_id"])
        }
        migrator.registerMigration("v2") { db in
            try db.alter(table: "scores") { t in t.add(column: "log_odds", .double) }
        }
        return migrator
    }

    /// Records a run and its scores in one transaction, replacing an earlier run of the same
    /// task, date and model. `willCommit` runs inside the transaction last (tests use it to
    /// fail on purpose); if anything throws, nothing is recorded.
    @discardableResult
    public func append(_ run: Run, scores: [Score], willCommit: () throws -> Void = {}) throws -> Run {
        try database.write { db in
            try Run.filter(Column("task") == run.task && Column("as_of") == run.asOf && Column("model_id") == run.modelID).deleteAll(db)
            var inserted = run
            inserted.id = nil
            try inserted.insert(db)
            for var score in scores {
                score.runID = inserted.id!
                try score.insert(db)
            }
            try willCommit()
            return inserted
        }
    }

    /// The newest run of `task` strictly before `asOf` (any model), or nil.
    public func previousRun(task: String, before asOf: String) throws -> Run? {
        try database.read { db in
            try Run.filter(Column("task") == task && Column("as_of") < asOf)
                .order(Column("as_of").desc, Column("id").desc).fetchOne(db)
        }
    }

    /// The newest run of `task` before `asOf` and its scores by entity, or nil.
    public func previousScores(task: String, before asOf: String) throws -> (run: Run, scores: [String: Score])? {
        guard let run = try previousRun(task: task, before: asOf) else { return nil }
        return (run, try scores(of: run))
    }

    /// Every run, oldest first.
    public func runs() throws -> [Run] {
        try database.read { db in try Run.order(Column("as_of"), Column("id")).fetchAll(db) }
    }

    /// A run's scores by entity.
    public func scores(of run: Run) throws -> [String: Score] {
        guard let id = run.id else { return [:] }
        return try database.read { db in
            Dictionary(uniqueKeysWithValues: try Score.filter(Column("run_id") == id).fetchAll(db).map { ($0.entityID, $0) })
        }
    }

    /// One entity's scores over time for `task`, oldest first.
    public func trend(entity: String, task: String) throws -> [TrendPoint] {
        try database.read { db in
            try TrendPoint.fetchAll(db, sql: """
                SELECT runs.as_of, runs.model_id, scores.probability, scores.risk_band, scores.health_state
                FROM scores JOIN runs ON runs.id = scores.run_id
                WHERE scores.entity_id = ? AND runs.task = ?
                ORDER BY runs.as_of, runs.id
                """, arguments: [entity, task])
        }
    }
}
