import Foundation
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
    public static func load(path: String) throws(AlertsConfigError) -> AlertsConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AlertsConfigError(path: path, line: 0, key: "", message: "cannot read: \(error.localizedDescription)", unreadable: true)
        }
        return try parse(text, path: path)
    }

    /// Parses config text; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws(AlertsConfigError) -> AlertsConfig {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw AlertsConfigError(path: path, line: 0, key: "", message: "not valid YAML: \(error)")
        }
        var config = AlertsConfig()
        guard let node else { return config }  // an empty file: the defaults
        var top = try AlertsConfigReader(path: path, node: node)
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

/// An alerts config that cannot be used: the file, the line, the key and the rule, as a
/// training config's errors say them.
public struct AlertsConfigError: Error, Equatable, CustomStringConvertible {
    public let path: String
    /// 1-based line of the offending key or value (0 when unknown).
    public let line: Int
    /// The dotted key, e.g. `webhook.max_attempts`.
    public let key: String
    public let message: String
    /// The file could not be read at all.
    public let unreadable: Bool

    public init(path: String, line: Int, key: String, message: String, unreadable: Bool = false) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
        self.unreadable = unreadable
    }

    public var description: String {
        let place = line > 0 ? "\(path):\(line)" : path
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

/// Walks one YAML mapping key by key, as the training config's reader does: every key must be
/// read or it is "unknown", and every value is checked where it is read.
struct AlertsConfigReader {
    let path: String
    let prefix: String
    private let pairs: [(key: String, value: Node, line: Int)]
    private var used: [String] = []

    init(path: String, node: Node, prefix: String = "") throws(AlertsConfigError) {
        self.path = path
        self.prefix = prefix
        guard let mapping = node.mapping else {
            throw AlertsConfigError(path: path, line: node.mark?.line ?? 0, key: prefix, message: "must be a mapping of keys to values")
        }
        var pairs: [(String, Node, Int)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw AlertsConfigError(path: path, line: key.mark?.line ?? 0, key: prefix, message: "keys must be text") }
            pairs.append((name, value, key.mark?.line ?? 0))
        }
        self.pairs = pairs
    }

    func fullKey(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    private mutating func value(_ key: String) -> (node: Node, line: Int)? {
        used.append(key)
        return pairs.first { $0.key == key }.map { ($0.value, $0.line) }
    }

    func error(_ key: String, _ line: Int, _ message: String) -> AlertsConfigError {
        AlertsConfigError(path: path, line: line, key: fullKey(key), message: message)
    }

    mutating func double(_ key: String, default fallback: Double, _ rule: String, _ valid: (Double) -> Bool) throws(AlertsConfigError) -> Double {
        guard let (node, line) = value(key) else { return fallback }
        guard let x = node.float ?? node.int.map(Double.init), x.isFinite, valid(x) else { throw error(key, line, "\(rule) (got \(Self.show(node)))") }
        return x
    }

    mutating func int(_ key: String, default fallback: Int, _ rule: String, _ valid: (Int) -> Bool) throws(AlertsConfigError) -> Int {
        guard let (node, line) = value(key) else { return fallback }
        guard let x = node.int, valid(x) else { throw error(key, line, "\(rule) (got \(Self.show(node)))") }
        return x
    }

    /// A non-empty list of names from `choices`, each once.
    mutating func names(_ key: String, default fallback: [String], from choices: [String]) throws(AlertsConfigError) -> [String] {
        guard let (node, line) = value(key) else { return fallback }
        let rule = "must be a list of one or more of \(choices.joined(separator: ", "))"
        guard let items = node.sequence, !items.isEmpty else { throw error(key, line, "\(rule) (got \(Self.show(node)))") }
        var names: [String] = []
        for item in items {
            guard let name = item.string, item.scalar != nil, choices.contains(name) else {
                throw error(key, item.mark?.line ?? line, "\(rule) (got \(Self.show(item)))")
            }
            guard !names.contains(name) else { throw error(key, item.mark?.line ?? line, "'\(name)' is given twice") }
            names.append(name)
        }
        return names
    }

    /// A nested section as its own reader (an absent section reads as empty).
    mutating func section(_ key: String) throws(AlertsConfigError) -> AlertsConfigReader {
        guard let (node, _) = value(key) else { return try AlertsConfigReader(path: path, node: Node([(Node, Node)]()), prefix: fullKey(key)) }
        return try AlertsConfigReader(path: path, node: node, prefix: fullKey(key))
    }

    /// Fails on the first key nobody asked for: a typo must not silently fall back to a default.
    func finish() throws(AlertsConfigError) {
        if let unknown = pairs.first(where: { !used.contains($0.key) }) {
            throw AlertsConfigError(path: path, line: unknown.line, key: fullKey(unknown.key),
                                    message: "unknown key (known here: \(used.joined(separator: ", ")))")
        }
    }

    static func show(_ node: Node) -> String {
        if let s = node.scalar?.string { return "'\(s)'" }
        if node.sequence != nil { return "a list" }
        if node.mapping != nil { return "a mapping" }
        return "an alias"
    }
}
