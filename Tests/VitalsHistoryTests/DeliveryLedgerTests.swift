import Foundation
import GRDB
import Testing
import VitalsHistory
import VitalsTestSupport

/// The deliveries ledger (migration `deliveries`): added to an existing history in place,
/// absent (and empty) in one never written by `vitals alerts --webhook`, one row per id.
@Suite struct DeliveryLedgerTests {
    @Test func aV3HistoryGainsTheLedgerAndKeepsItsRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("h.sqlite")
        try ScoreHistory(path: path).append(ScoreHistory.Run(task: "churn", asOf: "2025-11-30", modelID: "m", scoreFile: "f.csv", rows: 1),
                                            scores: [.init(entityID: "A1", probability: 0.2)])
        // As a v3 release left it: no ledger, no record of its migration.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE deliveries; DELETE FROM grdb_migrations WHERE identifier = 'deliveries'")
        }
        try queue.close()
        let reading = try ScoreHistory(path: path, access: .read)
        #expect(try reading.deliveredIDs(among: ["x"]).isEmpty)
        #expect(try reading.deliveries().isEmpty)

        let history = try ScoreHistory(path: path)
        #expect(try history.runs().count == 1)
        try history.recordDelivery(.init(eventID: "e1", url: "http://127.0.0.1/h", deliveredAt: "2026-11-30T17:00:00Z", status: 200))
        try history.recordDelivery(.init(eventID: "e1", url: "http://127.0.0.1/other", deliveredAt: "2026-11-30T18:00:00Z", status: 201))
        try history.recordDelivery(.init(eventID: "e2", url: "http://127.0.0.1/h", deliveredAt: "2026-11-30T17:00:01Z", status: 202))
        #expect(try history.deliveredIDs(among: ["e1", "e2", "e3"]) == ["e1", "e2"])
        #expect(try history.deliveries().map(\.status) == [200, 202], "the first record of an id stays")
        let many = (0..<1200).map { "id\($0)" } + ["e2"]
        #expect(try ScoreHistory(path: path, access: .read).deliveredIDs(among: many) == ["e2"])
    }
}
