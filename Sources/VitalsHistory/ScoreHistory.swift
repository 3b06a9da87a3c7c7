// VitalsHistory: the score history, an SQLite file kept through GRDB with versioned
// migrations: every scoring run and its scores, appended one transaction per run, read back
// as the previous run and as one entity's trend.

import Foundation
import GRDB
import VitalsFoundation

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
/// in the calibrated probability); runs recorded before it have NULL there. Migration `v3`
/// adds `runs.score_file_sha256 TEXT` and sets the file's SQLite `application_id` to 'VITA'.
/// Migration `v4-score-rows` adds `runs.created_at TEXT` (when the run was recorded, UTC,
/// `YYYY-MM-DDTHH:MM:SSZ`; NULL in runs recorded before it), `scores.top_drivers TEXT` (the score
/// file's `feature:+0.26; …`) and the view `score_rows` for BI tools (`scoreRowsView`).
/// Migration `deliveries` adds the webhook ledger of `vitals alerts` (ScoreHistory+Deliveries.swift).
///
/// The file is Vitals' own: before anything is written, it is identified (application id,
/// or a history's tables for files from before v3); a foreign database or one with a newer
/// migration is refused untouched. Readers open it read-only. Writers wait up to
/// `busyTimeout` for a reader's transaction or another writer.
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
        /// SHA-256 of the score file's bytes (migration v3; nil in runs recorded before it).
        public var scoreFileSHA256: String?
        /// When the run was recorded, UTC `YYYY-MM-DDTHH:MM:SSZ` (migration v4-score-rows; nil in
        /// runs recorded before it). `append` stamps it when it is nil.
        public var createdAt: String?

        enum CodingKeys: String, CodingKey {
            case id, task, asOf = "as_of", modelID = "model_id", scoreFile = "score_file", rows, scoreFileSHA256 = "score_file_sha256"
            case createdAt = "created_at"
        }

        public init(id: Int64? = nil, task: String, asOf: String, modelID: String, scoreFile: String, rows: Int, scoreFileSHA256: String? = nil,
                    createdAt: String? = nil) {
            self.id = id
            self.task = task
            self.asOf = asOf
            self.modelID = modelID
            self.scoreFile = scoreFile
            self.rows = rows
            self.scoreFileSHA256 = scoreFileSHA256
            self.createdAt = createdAt
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
        /// The score file's `top_drivers`, `feature:+0.26; …` (migration v4-score-rows; nil before it).
        public var topDrivers: String?

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", entityID = "entity_id", probability, riskBand = "risk_band", healthState = "health_state", arr
            case logOdds = "log_odds", topDrivers = "top_drivers"
        }

        public init(runID: Int64 = 0, entityID: String, probability: Double, riskBand: String? = nil, healthState: String? = nil, arr: Double? = nil,
                    logOdds: Double? = nil, topDrivers: String? = nil) {
            self.runID = runID
            self.entityID = entityID
            self.probability = probability
            self.riskBand = riskBand
            self.healthState = healthState
            self.arr = arr
            self.logOdds = logOdds
            self.topDrivers = topDrivers
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

    let database: DatabaseQueue
    public let path: String
    public let access: Access

    /// Reading only (the lists, explanations and trends), or appending runs (`vitals score`).
    public enum Access: Sendable, Equatable {
        /// Opened read-only: nothing is created, migrated or stamped; an absent file is `Failure.missing`.
        case read
        /// Created when absent (or empty), brought up to the current schema, and appended to.
        case write
    }

    /// SQLite's `application_id` of a Vitals history ('VITA'), set in its header by migration v3:
    /// a file without it (and without a history's tables) is someone else's database.
    public static let applicationID: Int32 = 0x5649_5441

    /// How long a write waits for a reader (a dashboard's open transaction) or another writer
    /// to let go of the file before giving up, and a read for a writer's commit.
    public static let busyTimeout: TimeInterval = 30

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

    /// A file that is not this program's history, or is a newer one: refused before anything
    /// in it is changed.
    public struct NotAHistory: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path) \(reason); nothing was written to it" }

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        /// An empty file where a history should be.
        public static func empty(_ path: String) -> NotAHistory { NotAHistory(path: path, reason: "is empty, not a Vitals score history") }
    }

    /// A history that could not be written, said in words: what, which file, what to do.
    public struct WriteFailure: Error, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// Another program held the file longer than `busyTimeout`.
            case busy
            /// Read-only file or folder, a full disk, an I/O error.
            case cannotWrite
        }
        public let path: String
        public let kind: Kind
        public let reason: String
        public var description: String { "the score history \(path) was not changed: \(reason)" }
    }

    /// Opens the history at `path` for `access`. A write opens (or creates) it and brings its
    /// schema up to date, after checking it is a Vitals history no newer than this program.
    public init(path: String, access: Access = .write) throws {
        self.path = path
        self.access = access
        let existing: Int?
        do {
            switch try InputFile.inspect(path) {
            case .absent: existing = nil
            case let .regular(bytes): existing = bytes
            }
        } catch {
            throw Unreadable(path: path, reason: error.reason)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        switch access {
        case .read:
            guard let existing else { throw Missing(path: path) }
            guard existing > 0 else { throw NotAHistory.empty(path) }
            configuration.readonly = true
            database = try Self.open(path, configuration)
            try Self.identify(database, path: path)
        case .write:
            if let existing, existing > 0 {
                // Identified read-only first: a foreign or newer file is refused untouched.
                var reading = configuration
                reading.readonly = true
                try Self.identify(try Self.open(path, reading), path: path, creating: true)
            }
            database = try Self.open(path, configuration)
            do {
                try Self.migrator.migrate(database)
            } catch {
                throw Self.failure(error, path: path)
            }
        }
    }

    static func open(_ path: String, _ configuration: Configuration) throws -> DatabaseQueue {
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw Unreadable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// The migrations this program knows, in order.
    static let knownMigrations = ["v1", "v2", "v3", "v4-score-rows", deliveriesMigration]

    /// Checks that the database is a Vitals history (its application id, or, for histories
    /// written before it had one, its tables and migrations) and not a newer one.
    ///
    /// - Parameter creating: a writer's check: a database with no application id and no table
    ///   yet, or only GRDB's empty `grdb_migrations` (the migrator commits that table before the
    ///   first migration's transaction), is one another vitals has just created and is
    ///   migrating (three runs into one new folder at once raced here, in both windows), so the
    ///   writer goes on and its migration waits its turn.
    static func identify(_ database: DatabaseQueue, path: String, creating: Bool = false) throws {
        let (applicationID, tables, migrations): (Int32, Set<String>, [String])
        do {
            (applicationID, tables, migrations) = try database.read { db in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
                let migrations = tables.contains("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
                return (id, tables, migrations)
            }
        } catch let error as DatabaseError {
            throw Unreadable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
        if creating, applicationID == 0, migrations.isEmpty,
           !tables.contains(where: { !$0.hasPrefix("sqlite_") && $0 != "grdb_migrations" }) { return }
        let ours = applicationID == Self.applicationID
            || (applicationID == 0 && tables.isSuperset(of: ["runs", "scores", "grdb_migrations"]) && migrations.contains("v1"))
        guard ours else {
            let shown = tables.filter { !$0.hasPrefix("sqlite_") }.sorted()
            throw NotAHistory(path: path, reason: "is an SQLite database but not a Vitals score history (application id \(applicationID), "
                              + (shown.isEmpty ? "no tables" : "tables \(shown.prefix(8).joined(separator: ", "))") + "); give --history a new file or one vitals wrote")
        }
        if let unknown = migrations.first(where: { !knownMigrations.contains($0) }) {
            throw NotAHistory(path: path, reason: "was written by a newer vitals (its schema has migration \(unknown), unknown here); upgrade vitals to use it")
        }
    }

    /// A database error in words, with what to do.
    static func failure(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return WriteFailure(path: path, kind: .busy, reason: "another program (a dashboard's open transaction, or another vitals) held it "
                                + "for more than \(Int(busyTimeout)) s; try again when it is done")
        case .SQLITE_READONLY:
            return WriteFailure(path: path, kind: .cannotWrite, reason: "the file or its folder is read-only; make it writable, or keep the history in another file")
        case .SQLITE_FULL:
            return WriteFailure(path: path, kind: .cannotWrite, reason: "the disk is full; free some space and score again")
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return WriteFailure(path: path, kind: .cannotWrite, reason: "the system refused the write (\(error.message ?? "I/O error")); check the disk and the file's permissions")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return Unreadable(path: path, reason: "the file is damaged or not an SQLite database")
        default:
            return WriteFailure(path: path, kind: .cannotWrite, reason: "SQLite said \(error.message ?? "\(error.resultCode)")")
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
        migrator.registerMigration("v3") { db in
            // The SHA-256 of the run's CSV score file, which ties the run to the files it wrote
            // (a score run killed midway is finished or undone by it), and the file's identity.
            try db.alter(table: "runs") { t in t.add(column: "score_file_sha256", .text) }
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
        }
        migrator.registerMigration("v4-score-rows") { db in
            try db.alter(table: "runs") { t in t.add(column: "created_at", .text) }
            try db.alter(table: "scores") { t in t.add(column: "top_drivers", .text) }
            try db.execute(sql: scoreRowsView)
        }
        registerDeliveriesMigration(&migrator)
        return migrator
    }

    /// The view BI tools read (README, "The score history"; docs/schema/history-score-row.schema.json):
    /// one row per score with its run's date, model, task and recording time, in the field names
    /// the score files and lists use. `account_id` is the entity of a churn run, `project_id`
    /// that of an overrun run (the other is NULL); the stored state is `health_state` for a
    /// churn run and `phase` for an overrun run, as the score files name them.
    static let scoreRowsView = """
        CREATE VIEW score_rows AS
        SELECT runs.id AS run_id, runs.task AS task, runs.as_of AS as_of, runs.model_id AS model_id, runs.created_at AS created_at,
               scores.entity_id AS entity_id,
               CASE WHEN runs.task = 'churn' THEN scores.entity_id END AS account_id,
               CASE WHEN runs.task = 'overrun' THEN scores.entity_id END AS project_id,
               scores.probability AS probability, scores.risk_band AS risk_band,
               CASE WHEN runs.task = 'churn' THEN scores.health_state END AS health_state,
               CASE WHEN runs.task = 'overrun' THEN scores.health_state END AS phase,
               scores.arr AS arr, scores.top_drivers AS top_drivers
        FROM scores JOIN runs ON runs.id = scores.run_id
        """

    /// The run of `task`, date and model already recorded (the one a new run of them replaces), or nil.
    public func run(task: String, asOf: String, modelID: String) throws -> Run? {
        try database.read { db in
            try Run.filter(Column("task") == task && Column("as_of") == asOf && Column("model_id") == modelID).fetchOne(db)
        }
    }

    /// Now as `created_at` writes it: UTC, to the second.
    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Records a run and its scores in one transaction, replacing an earlier run of the same
    /// task, date and model. `willCommit` runs inside the transaction last (tests use it to
    /// fail on purpose); if anything throws, nothing is recorded.
    @discardableResult
    public func append(_ run: Run, scores: [Score], willCommit: () throws -> Void = {}) throws -> Run {
        do {
            return try appendRun(run, scores: scores, willCommit: willCommit)
        } catch {
            throw Self.failure(error, path: path)
        }
    }

    /// Whether a run recorded the score file with this SHA-256.
    public func hasRun(scoreFileSHA256 sha: String) throws -> Bool {
        try database.read { db in try Run.filter(Column("score_file_sha256") == sha).fetchCount(db) > 0 }
    }

    private func appendRun(_ run: Run, scores: [Score], willCommit: () throws -> Void) throws -> Run {
        try database.write { db in
            try Run.filter(Column("task") == run.task && Column("as_of") == run.asOf && Column("model_id") == run.modelID).deleteAll(db)
            var inserted = run
            inserted.id = nil
            if inserted.createdAt == nil { inserted.createdAt = Self.timestamp() }
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
