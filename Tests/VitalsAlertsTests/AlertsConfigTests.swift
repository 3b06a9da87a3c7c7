import Foundation
import Testing
import VitalsAlerts
import VitalsConfig

/// The alerts config: defaults, every key read, and errors that name the key and its line.
struct AlertsConfigTests {
    @Test func defaultsWithoutAFileOrWithAnEmptyOne() throws {
        #expect(AlertsConfig.standard.probabilityRisePoints == 10 && AlertsConfig.standard.renewalWithinDays == 60)
        #expect(AlertsConfig.standard.stayedHighRuns == 3 && AlertsConfig.standard.kinds == Set(AlertKind.allCases))
        #expect(AlertsConfig.standard.webhook == AlertsConfig.Webhook())
        #expect(AlertsConfig.standard.webhook.timeoutSeconds == 10 && AlertsConfig.standard.webhook.maxAttempts == 4)
        #expect(try AlertsConfig.parse("", path: "a.yaml") == .standard)
        #expect(try AlertsConfig.parse("# nothing\n", path: "a.yaml") == .standard)
    }

    @Test func everyKeyIsRead() throws {
        let config = try AlertsConfig.parse("""
            kinds: [entered_high_band, stayed_high]
            probability_rise_points: 7.5
            renewal_within_days: 45
            stayed_high_runs: 4
            webhook:
              timeout_seconds: 2.5
              max_attempts: 3
              backoff_seconds: 0
            """, path: "a.yaml")
        #expect(config.kinds == [.enteredHighBand, .stayedHigh])
        #expect(config.probabilityRisePoints == 7.5 && config.renewalWithinDays == 45 && config.stayedHighRuns == 4)
        #expect(config.webhook.timeoutSeconds == 2.5 && config.webhook.maxAttempts == 3 && config.webhook.backoffSeconds == 0)
    }

    @Test(arguments: [
        ("probability_rise: 5\n", 1, "probability_rise", "unknown key"),
        ("webhook:\n  timeout: 3\n", 2, "webhook.timeout", "unknown key"),
        ("renewal_within_days: 0\n", 1, "renewal_within_days", "from 1 to 3660"),
        ("renewal_within_days: soon\n", 1, "renewal_within_days", "got 'soon'"),
        ("probability_rise_points: -1\n", 1, "probability_rise_points", "above 0"),
        ("stayed_high_runs: 1\n", 1, "stayed_high_runs", "from 2 to 1000"),
        ("kinds: [entered_high_band, went_up]\n", 1, "kinds", "got 'went_up'"),
        ("kinds: []\n", 1, "kinds", "one or more"),
        ("kinds: [stayed_high, stayed_high]\n", 1, "kinds", "given twice"),
        ("webhook:\n  max_attempts: 0\n", 2, "webhook.max_attempts", "from 1 to 20"),
        ("webhook: 3\n", 1, "webhook", "must be a mapping"),
        ("- a\n- b\n", 1, "", "must be a mapping"),
    ])
    func errorsNameTheKeyAndLine(text: String, line: Int, key: String, words: String) {
        #expect(throws: ConfigError.self) { try AlertsConfig.parse(text, path: "alerts.yaml") }
        do {
            _ = try AlertsConfig.parse(text, path: "alerts.yaml")
        } catch {
            #expect(error.key == key && error.line == line && !error.unreadable, "\(error)")
            #expect(error.description.contains(words), "\(error)")
            #expect(error.description.hasPrefix("alerts.yaml:\(line): "), "\(error)")
        }
    }

    @Test func badYAMLAndAnUnreadableFile() {
        #expect(throws: ConfigError.self) { try AlertsConfig.parse("kinds: [a\n", path: "x.yaml") }
        do {
            _ = try AlertsConfig.load(path: "/nonexistent/alerts.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.unreadable)
        }
    }
}
