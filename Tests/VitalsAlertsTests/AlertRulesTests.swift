import Foundation
import Testing
import VitalsAlerts
import VitalsFoundation
import VitalsTestSupport

/// Each rule fires exactly when its threshold is crossed; ids are stable; events sort the same way every time.
struct AlertRulesTests {
    static let bands = RiskBands.standard  // medium from 10 %, high from 30 %
    static let asOf = Day("2025-12-31")!

    static func run(_ date: String, _ p: [String: Double]) -> AlertBaseline.Run {
        AlertBaseline.Run(asOf: Day(date)!, probabilities: p, high: Set(p.filter { $0.value >= 0.3 }.keys))
    }

    static func churn(_ subjects: [AlertSubject], _ runs: [AlertBaseline.Run], config: AlertsConfig = .standard) -> [AlertEvent] {
        AlertRules.events(task: .churn, modelID: "churn-test", asOf: asOf, bands: bands, subjects: subjects, baseline: AlertBaseline(runs: runs), config: config)
    }

    static func kinds(_ events: [AlertEvent], _ id: String) -> [AlertKind] {
        events.filter { ($0.projectID ?? $0.accountID) == id }.map(\.kind)
    }

    @Test func enteredHighBandFiresOnTheCrossingOnly() {
        let far = Day("2026-11-01")!
        let subjects = [AlertSubject(accountID: "A1", csm: "Ann", arr: 120_000, probability: 0.41, renewal: far),   // 12 % → 41 %: entered
                        AlertSubject(accountID: "A2", probability: 0.44, renewal: far),                            // 35 % → 44 %: was high
                        AlertSubject(accountID: "A3", probability: 0.2999, renewal: far),                          // just below the cut
                        AlertSubject(accountID: "A4", probability: 0.30, renewal: far)]                            // at the cut: high
        let events = Self.churn(subjects, [Self.run("2025-11-30", ["A1": 0.12, "A2": 0.35, "A3": 0.1, "A4": 0.29])])
        #expect(Self.kinds(events, "A1") == [.enteredHighBand, .probabilityRose])
        #expect(Self.kinds(events, "A2") == [])
        #expect(Self.kinds(events, "A3") == [.probabilityRose])
        #expect(Self.kinds(events, "A4") == [.enteredHighBand])
        let a1 = try! #require(events.first { $0.accountID == "A1" && $0.kind == .enteredHighBand })
        #expect(a1.reason == "entered the high band: 12.0 % → 41.0 %")
        #expect(a1.previousProbability == 0.12 && a1.csm == "Ann" && a1.arr == 120_000 && a1.riskBand == .high && a1.projectID == nil)
        #expect(a1.asOf == "2025-12-31" && a1.modelID == "churn-test")
    }

    @Test func firstRunHasNoPreviousProbability() {
        let events = Self.churn([AlertSubject(accountID: "A1", probability: 0.5, renewal: Day("2026-06-01")!)], [])
        #expect(events.map(\.kind) == [.enteredHighBand])
        #expect(events[0].previousProbability == nil)
        #expect(events[0].reason == "entered the high band: 50.0 % (first score)")
    }

    @Test func probabilityRoseAtTheThreshold() {
        var config = AlertsConfig()
        config.probabilityRisePoints = 5
        let far = Day("2026-11-01")!
        let subjects = [AlertSubject(accountID: "A1", probability: 0.15, renewal: far),  // +5.0 points: fires
                        AlertSubject(accountID: "A2", probability: 0.149, renewal: far), // +4.9: no
                        AlertSubject(accountID: "A3", probability: 0.15, renewal: far)]  // new: no previous, no rise
        let events = Self.churn(subjects, [Self.run("2025-11-30", ["A1": 0.10, "A2": 0.10])], config: config)
        #expect(events.map(\.accountID) == ["A1"])
        #expect(events[0].kind == .probabilityRose && events[0].reason == "rose 5.0 points: 10.0 % → 15.0 %")
    }

    @Test func renewalAtRiskFiresWhenTheRenewalComesWithinTheWindowInTheHighBand() {
        // Window 60 days: 2025-12-31 + 60 = 2026-03-01.
        let subjects = [AlertSubject(accountID: "A1", probability: 0.5, renewal: Day("2026-03-01")!),  // day 60, high before but renewal was 90 days away
                        AlertSubject(accountID: "A2", probability: 0.5, renewal: Day("2026-03-02")!),  // day 61: outside
                        AlertSubject(accountID: "A3", probability: 0.5, renewal: Day("2026-01-20")!),  // within, and already within and high last run
                        AlertSubject(accountID: "A4", probability: 0.2, renewal: Day("2026-01-20")!)]  // within, not high
        let events = Self.churn(subjects, [Self.run("2025-11-30", ["A1": 0.5, "A2": 0.5, "A3": 0.5, "A4": 0.2])])
        #expect(events.filter { $0.kind == .renewalAtRisk }.map(\.accountID) == ["A1"])
        let a1 = events.first { $0.kind == .renewalAtRisk }!
        #expect(a1.reason == "renewal in 60 days (2026-03-01), churn risk 50.0 % (high)")
        // An account entering the high band with a renewal in the window says so in the reason too.
        let entered = Self.churn([AlertSubject(accountID: "A5", probability: 0.4, renewal: Day("2026-01-21")!)], [Self.run("2025-11-30", ["A5": 0.12])])
        #expect(entered.map(\.kind) == [.enteredHighBand, .renewalAtRisk, .probabilityRose])
        #expect(entered[0].reason == "entered the high band: 12.0 % → 40.0 %; renewal in 21 days")
    }

    @Test func stayedHighFiresOnTheRunThatMakesTheStreak() {
        let far = Day("2026-11-01")!
        let now = [AlertSubject(accountID: "A1", probability: 0.5, renewal: far),  // high in 2 runs before: streak 3, fires
                   AlertSubject(accountID: "A2", probability: 0.5, renewal: far),  // high in 3 before: streak 4, fired last run
                   AlertSubject(accountID: "A3", probability: 0.5, renewal: far)]  // high 1 before: streak 2
        let runs = [Self.run("2025-11-30", ["A1": 0.4, "A2": 0.4, "A3": 0.4]), Self.run("2025-10-31", ["A1": 0.35, "A2": 0.4, "A3": 0.2]),
                    Self.run("2025-09-30", ["A1": 0.2, "A2": 0.4, "A3": 0.2])]
        let events = Self.churn(now, runs).filter { $0.kind == .stayedHigh }
        #expect(events.map(\.accountID) == ["A1"])
        #expect(events.first?.reason == "high for 3 runs in a row: 35.0 % → 40.0 % → 50.0 %")
        var two = AlertsConfig()
        two.stayedHighRuns = 2
        #expect(Self.churn(now, runs, config: two).filter { $0.kind == .stayedHigh }.map(\.accountID) == ["A3"])
        // A short history whose every run was high counts from its start.
        #expect(Self.churn([now[0]], [runs[0]], config: two).contains { $0.kind == .stayedHigh })
    }

    @Test func projectRisksEnterTheHighBand() {
        let subjects = [AlertSubject(accountID: "A1", projectID: "P1", csm: "Bo", probability: 0.5, hoursProbability: 0.45, lateProbability: 0.2),
                        AlertSubject(accountID: "A1", projectID: "P2", probability: 0.5, hoursProbability: 0.45, lateProbability: 0.6),
                        AlertSubject(accountID: "A2", projectID: "P3", probability: 0.5, hoursProbability: 0.5, lateProbability: 0.5)]
        let baseline = AlertBaseline(runs: [Self.run("2025-11-30", ["P1": 0.45, "P2": 0.5])],
                                     previousRisks: (hours: ["P1": 0.2, "P2": 0.4], late: ["P1": 0.1, "P2": 0.1]))
        let events = AlertRules.events(task: .overrun, modelID: "overrun-test", asOf: Self.asOf, bands: Self.bands, subjects: subjects,
                                       baseline: baseline, config: .standard)
        #expect(Self.kinds(events, "P1") == [.overrunEnteredHighBand])
        #expect(Self.kinds(events, "P2") == [.lateEnteredHighBand])
        #expect(Self.kinds(events, "P3") == [.overrunEnteredHighBand, .lateEnteredHighBand])
        let p1 = events.first { $0.projectID == "P1" }!
        #expect(p1.probability == 0.45 && p1.previousProbability == 0.2 && p1.accountID == "A1" && p1.csm == "Bo")
        #expect(p1.reason == "over-budget risk entered the high band: 20.0 % → 45.0 %")
        // No churn kinds for projects; with the previous run's risks unknown, no band crossing is claimed.
        #expect(!events.contains { $0.kind == .enteredHighBand || $0.kind == .renewalAtRisk })
        let unknown = AlertRules.events(task: .overrun, modelID: "m", asOf: Self.asOf, bands: Self.bands, subjects: subjects,
                                        baseline: AlertBaseline(runs: baseline.runs), config: .standard)
        #expect(!unknown.contains { $0.kind == .overrunEnteredHighBand || $0.kind == .lateEnteredHighBand })
    }

    @Test func configuredKindsOnly() {
        var config = AlertsConfig()
        config.kinds = [.probabilityRose]
        let events = Self.churn([AlertSubject(accountID: "A1", probability: 0.5, renewal: Day("2026-01-10")!)], [Self.run("2025-11-30", ["A1": 0.1])], config: config)
        #expect(events.map(\.kind) == [.probabilityRose])
    }

    @Test func idsAreStableAndDistinct() {
        let id = AlertEvent.id(kind: .enteredHighBand, task: .churn, entity: "A1", asOf: "2025-12-31")
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
        #expect(id == AlertEvent.id(kind: .enteredHighBand, task: .churn, entity: "A1", asOf: "2025-12-31"))
        let others = [AlertEvent.id(kind: .stayedHigh, task: .churn, entity: "A1", asOf: "2025-12-31"),
                      AlertEvent.id(kind: .enteredHighBand, task: .overrun, entity: "A1", asOf: "2025-12-31"),
                      AlertEvent.id(kind: .enteredHighBand, task: .churn, entity: "A2", asOf: "2025-12-31"),
                      AlertEvent.id(kind: .enteredHighBand, task: .churn, entity: "A1", asOf: "2026-01-31")]
        #expect(Set(others + [id]).count == 5)
        // The model id is not part of it: a retrained model does not resend the same change.
        let subject = [AlertSubject(accountID: "A1", probability: 0.5, renewal: Day("2026-11-01")!)]
        let a = AlertRules.events(task: .churn, modelID: "m1", asOf: Self.asOf, bands: Self.bands, subjects: subject, baseline: .init(), config: .standard)
        let b = AlertRules.events(task: .churn, modelID: "m2", asOf: Self.asOf, bands: Self.bands, subjects: subject, baseline: .init(), config: .standard)
        #expect(a.map(\.id) == b.map(\.id) && a.first?.id == id)
    }

    @Test func eventsSortByKindThenProbabilityThenEntity() {
        let far = Day("2026-11-01")!
        let subjects = ["A3": 0.4, "A1": 0.4, "A2": 0.6].map { AlertSubject(accountID: $0.key, probability: $0.value, renewal: far) }
        let events = Self.churn(subjects, [Self.run("2025-11-30", ["A1": 0.1, "A2": 0.1, "A3": 0.1])])
        #expect(events.map { "\($0.kind.rawValue) \($0.accountID)" } == [
            "entered_high_band A2", "entered_high_band A1", "entered_high_band A3",
            "probability_rose A2", "probability_rose A1", "probability_rose A3",
        ])
    }

    @Test func jsonWritesEveryKeyWithNulls() throws {
        let event = AlertEvent(kind: .enteredHighBand, task: .churn, accountID: "A\u{1B}1", projectID: nil, asOf: "2025-12-31", csm: nil,
                               probability: 0.413, previousProbability: nil, arr: nil, modelID: "m", riskBand: .high, reason: "r")
        let text = String(decoding: try event.json(), as: UTF8.self)
        #expect(!text.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["id", "kind", "account_id", "project_id", "as_of", "csm", "probability", "previous_probability", "arr",
                                     "model_id", "risk_band", "reason"])
        for key in ["project_id", "csm", "previous_probability", "arr"] { #expect(object[key] is NSNull, "\(key)") }
        #expect(object["account_id"] as? String == "A\u{1B}1" && object["risk_band"] as? String == "high")
        #expect(try JSONDecoder().decode(AlertEvent.self, from: try event.json()) == event)
    }
}

/// docs/schema/alert-event.schema.json describes the events as they are written.
struct AlertEventSchemaTests {
    @Test func theSchemaListsEveryKeyAndKind() throws {
        let url = Fixtures.packageRoot.appendingPathComponent("docs/schema/alert-event.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let properties = try #require(schema["properties"] as? [String: [String: Any]])
        let event = AlertEvent(kind: .stayedHigh, task: .overrun, accountID: "A1", projectID: "P1", asOf: "2025-12-31", csm: "Ann", probability: 0.5,
                               previousProbability: 0.4, arr: 1000.5, modelID: "m", riskBand: .high, reason: "r")
        let written = try #require(try JSONSerialization.jsonObject(with: try event.json()) as? [String: Any])
        #expect(Set(schema["required"] as? [String] ?? []) == Set(written.keys))
        #expect(Set(properties.keys) == Set(written.keys))
        #expect(properties["kind"]?["enum"] as? [String] == AlertKind.allCases.map(\.rawValue))
        #expect(properties["risk_band"]?["enum"] as? [String] == RiskBand.allCases.map(\.rawValue))
        let pattern = try #require(properties["id"]?["pattern"] as? String)
        #expect(event.id.range(of: pattern, options: .regularExpression) != nil)
    }
}

/// The terminal summary: one line per event within the width, text from the data escaped.
struct AlertSummaryTests {
    @Test func linesFitAndDataIsEscaped() {
        let hostile = AlertEvent(kind: .enteredHighBand, task: .churn, accountID: "A\u{1B}[2J1", projectID: nil, asOf: "2025-12-31",
                                 csm: "Eve\u{202E}lyn Longname-Smithson", probability: 0.5, previousProbability: 0.1, arr: nil, modelID: "m",
                                 riskBand: .high, reason: "entered the high band: 10.0 % → 50.0 %; renewal in 21 days")
        let plain = AlertEvent(kind: .probabilityRose, task: .churn, accountID: "A2", projectID: nil, asOf: "2025-12-31", csm: nil,
                               probability: 0.2, previousProbability: 0.05, arr: 10, modelID: "m", riskBand: .medium, reason: "rose 15.0 points: 5.0 % → 20.0 %")
        let report = AlertReport(task: .churn, asOf: "2025-12-31", modelID: "churn-0123456789abcdef", previousAsOf: "2025-11-30", events: [hostile, plain])
        let text = report.summary()
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "2 churn alerts, 2025-11-30 → 2025-12-31, model churn-0123456789abcdef")
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(!text.contains("\u{1B}") && !text.contains("\u{202E}"))
        #expect(lines[1].hasPrefix("A\\e[2J1 "), "\(lines[1])")
        #expect(lines[2].hasPrefix("A2      -           rose 15.0 points"), "\(lines[2])")
        let first = AlertReport(task: .overrun, asOf: "2025-12-31", modelID: "m", previousAsOf: nil, events: [])
        #expect(first.summary() == "0 overrun alerts, as of 2025-12-31 (first run), model m\n")
    }
}
