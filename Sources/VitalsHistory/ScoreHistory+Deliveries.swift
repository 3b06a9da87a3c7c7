import Foundation
import GRDB

/// The webhook ledger of `vitals alerts`: every alert event a receiver accepted, so a rerun
/// never delivers the same event id twice.
///
/// Schema (migration `deliveries`, after `v3`):
///
///     deliveries(event_id TEXT PRIMARY KEY, url TEXT, delivered_at TEXT, status INTEGER)
///
/// Each delivery is recorded in its own transaction right after the receiver's 2xx answer, so
/// an interruption loses no recorded delivery. A crash between the receiver's answer and that
/// commit can still repeat one delivery on the next run: that is why deliveries carry an
/// `Idempotency-Key` header with the event id.
extension ScoreHistory {
    /// The migration's name, as `grdb_migrations` records it.
    static let deliveriesMigration = "deliveries"

    /// One delivered event.
    public struct Delivery: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
        public static let databaseTableName = "deliveries"
        public var eventID: String
        public var url: String
        /// ISO 8601 UTC, e.g. `2026-11-30T17:02:11Z`.
        public var deliveredAt: String
        /// The receiver's HTTP status (2xx).
        public var status: Int

        enum CodingKeys: String, CodingKey { case eventID = "event_id", url, deliveredAt = "delivered_at", status }

        public init(eventID: String, url: String, deliveredAt: String, status: Int) {
            self.eventID = eventID
            self.url = url
            self.deliveredAt = deliveredAt
            self.status = status
        }
    }

    static func registerDeliveriesMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(deliveriesMigration) { db in
            try db.create(table: "deliveries") { t in
                t.column("event_id", .text).notNull().primaryKey()
                t.column("url", .text).notNull()
                t.column("delivered_at", .text).notNull()
                t.column("status", .integer).notNull()
            }
        }
    }

    /// Which of `ids` were delivered already. A history without the ledger yet (never
    /// written by `vitals alerts --webhook`) has delivered nothing.
    public func deliveredIDs(among ids: [String]) throws -> Set<String> {
        do {
            return try database.read { db in
                guard try db.tableExists("deliveries") else { return [] }
                var found: Set<String> = []
                // In chunks: SQLite bounds the number of bound parameters.
                for start in stride(from: 0, to: ids.count, by: 500) {
                    let chunk = Array(ids[start..<min(start + 500, ids.count)])
                    found.formUnion(try String.fetchAll(db, Delivery.select(Column("event_id")).filter(chunk.contains(Column("event_id")))))
                }
                return found
            }
        } catch {
            throw Self.failure(error, path: path)
        }
    }

    /// Records one delivery in its own transaction (a second record of the same id keeps the first).
    public func recordDelivery(_ delivery: Delivery) throws {
        guard access == .write else { preconditionFailure("recordDelivery on a history opened for reading") }
        do {
            try database.write { db in try delivery.insert(db, onConflict: .ignore) }
        } catch {
            throw Self.failure(error, path: path)
        }
    }

    /// Every delivery, oldest first.
    public func deliveries() throws -> [Delivery] {
        try database.read { db in
            guard try db.tableExists("deliveries") else { return [] }
            return try Delivery.order(Column("delivered_at"), Column("event_id")).fetchAll(db)
        }
    }
}
