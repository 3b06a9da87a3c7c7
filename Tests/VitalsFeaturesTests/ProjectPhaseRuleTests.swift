import Testing
import VitalsFeatures
import VitalsMarkov

@Suite struct ProjectPhaseRuleTests {
    let rule = ProjectPhaseRule()

    func state(burn: Double? = nil, schedule: Double? = nil, change: Double? = nil) -> Int {
        rule.state { name in
            switch name {
            case "burn_rate": return burn
            case "schedule_performance_index": return schedule
            case "change_order_hours_ratio": return change
            default: return nil
            }
        }
    }

    @Test func theWorstSignalDecides() {
        #expect(state(burn: 1.0, schedule: 1.0, change: 0) == 0)
        #expect(state(burn: 1.1, schedule: 0.9, change: 0.1) == 0)  // thresholds are inclusive on the good side
        #expect(state(burn: 1.2, schedule: 1.0, change: 0) == 1)
        #expect(state(burn: 1.0, schedule: 0.8, change: 0) == 1)
        #expect(state(burn: 1.0, schedule: 1.0, change: 0.3) == 2)
        #expect(state(burn: 1.4, schedule: 0.8, change: 0) == 2)
        #expect(state(burn: 1.0, schedule: 0.5) == 2)
    }

    @Test func missingSignalsDoNotVote() {
        #expect(state() == 0)
        #expect(state(burn: nil, schedule: nil, change: 0.2) == 1)
        #expect(state(burn: .nan, schedule: 0.7) == 2)
    }

    @Test func stateSpaceAndValidation() throws {
        #expect(try rule.stateSpace().names == ["on_track", "watch", "off_track", "delivered_within_budget", "delivered_over"])
        #expect(rule.outcome(overran: true) == 4 && rule.outcome(overran: false) == 3)
        var bad = rule
        bad.burnWatch = 2
        #expect(throws: MarkovError.invalidParameter(name: "phases.burn", value: "2.0, 1.3", rule: "need 0 < watch ≤ off_track")) {
            try bad.validate()
        }
        try rule.validate()
    }
}
