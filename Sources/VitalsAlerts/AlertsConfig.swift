import Foundation
import VitalsConfig
import VitalsFoundation
import Yams

/// The thresholds of the alert rules and the webhook's patience, from an alerts YAML file
/// (README, "vitals alerts", lists every key); every key has a default, so no file is needed.
///
///     kinds: [entered_high_band, renewal_at_risk, overrun_entered_high_band,
///             late_entered_high_band, probability_rose, stayed_high]
///     probability_rise_points: 10     # probability_rose: a rise of at least this many points
///     renewal_within_days: 60         # renewal_at_risk: a renewal at most this many days ahead
///     stayed_high_runs: 3             # stayed_high: this many consecutive runs, counting this one
///     webhook:
///       timeout_seconds: 10           # per request
///       max_attempts: 4               # first try included
///       backoff_seconds: 1            # wait before the first retry; doubled before each next one
///
/// As with training configs, an unknown key or a bad value is an error naming the key and its line.
public struct AlertsConfig: Sendable, Equatable {
    /// The kinds to emit (of those the model's task gives).
    public var kinds: Set<AlertKind> = Set(AlertKind.allCases)
    /// probability_rose fires on a rise of at least this many percentage points.
    public var probabilityRisePoints: Double = 10
    /// renewal_at_risk looks this many days ahead.
    public var renewalWithinDays: Int = 60
    /// stayed_high fires on the run that makes this many consecutive runs in the high band.
    public var stayedHighRuns: Int = 3
    public var webhook = Webhook()

    public struct Webhook: Sendable, Equatable {
        /// Seconds one request may take, connecting included.
        public var timeoutSeconds: Double = 10
        /// Attempts per event, the first included.
        public var maxAttempts: Int = 4
        /// Seconds before the first retry; doubled before each next one.
        public var backoffSeconds: Double = 1

        public init() {}
    }

    public init() {}

    /// The defaults.
    public static let standard = AlertsConfig()

    /// Reads and checks an alerts config file.
    public static func load(path: String) throws(ConfigError) -> AlertsConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: path, line: 0, key: "", message: "cannot read: \(error.localizedDescription)", unreadable: true)
        }
        return try parse(text, path: path)
    }

    /// Parses config text; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> AlertsConfig {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(path: path, line: 0, key: "", message: "not valid YAML: \(error)")
        }
        var config = AlertsConfig()
        guard let node else { return config }  // an empty file: the defaults
        var top = try ConfigReader(path: path, node: node)
        let kindNames = try top.names("kinds", default: AlertKind.allCases.map(\.rawValue), from: AlertKind.allCases.map(\.rawValue))
        config.kinds = Set(kindNames.compactMap(AlertKind.init(rawValue:)))
        config.probabilityRisePoints = try top.double("probability_rise_points", default: 10, "must be a number of percentage points above 0 and at most 100") { $0 > 0 && $0 <= 100 }
        config.renewalWithinDays = try top.int("renewal_within_days", default: 60, "must be a whole number of days from 1 to 3660") { (1...3660).contains($0) }
        config.stayedHighRuns = try top.int("stayed_high_runs", default: 3, "must be a whole number of runs from 2 to 1000") { (2...1000).contains($0) }
        var webhook = try top.section("webhook")
        config.webhook.timeoutSeconds = try webhook.double("timeout_seconds", default: 10, "must be seconds from 1 to 600") { $0 >= 1 && $0 <= 600 }
        config.webhook.maxAttempts = try webhook.int("max_attempts", default: 4, "must be a whole number of attempts from 1 to 20") { (1...20).contains($0) }
        config.webhook.backoffSeconds = try webhook.double("backoff_seconds", default: 1, "must be seconds from 0 to 600") { $0 >= 0 && $0 <= 600 }
        try webhook.finish()
        try top.finish()
        return config
    }
}
