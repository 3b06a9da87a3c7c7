import Yams

/// Walks a YAML mapping key by key: every key must be read by the config or it is an
/// error ("unknown key"), and every value is checked where it is read, so an error names
/// the key, its line, and the rule it breaks. The training config and the alerts config
/// both read through it, so their errors read alike.
public struct ConfigReader {
    public let path: String
    public let prefix: String
    private let pairs: [(key: String, value: Node, line: Int)]
    private var used: Set<String> = []

    public init(path: String, node: Node, prefix: String = "") throws(ConfigError) {
        self.path = path
        self.prefix = prefix
        guard let mapping = node.mapping else {
            throw ConfigError(path: path, line: (node.mark?.line ?? 0), key: prefix, message: "must be a mapping of keys to values")
        }
        var pairs: [(String, Node, Int)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ConfigError(path: path, line: key.mark?.line ?? 0, key: prefix, message: "keys must be text")
            }
            pairs.append((name, value, key.mark?.line ?? 0))
        }
        self.pairs = pairs
    }

    public func fullKey(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    private mutating func value(_ key: String) -> (node: Node, line: Int)? {
        used.insert(key)
        return pairs.first { $0.key == key }.map { ($0.value, $0.line) }
    }

    public func error(_ key: String, _ line: Int, _ message: String) -> ConfigError {
        ConfigError(path: path, line: line, key: fullKey(key), message: message)
    }

    public mutating func double(_ key: String, default fallback: Double, _ rule: String, _ valid: (Double) -> Bool) throws(ConfigError) -> Double {
        guard let (node, line) = value(key) else { return fallback }
        guard let x = node.float ?? node.int.map(Double.init), x.isFinite, valid(x) else {
            throw error(key, line, "\(rule) (got \(Self.show(node)))")
        }
        return x
    }

    public mutating func int(_ key: String, default fallback: Int, _ rule: String, _ valid: (Int) -> Bool) throws(ConfigError) -> Int {
        guard let (node, line) = value(key) else { return fallback }
        guard let x = node.int, valid(x) else { throw error(key, line, "\(rule) (got \(Self.show(node)))") }
        return x
    }

    public mutating func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let (node, line) = value(key) else { return fallback }
        guard let x = node.bool else { throw error(key, line, "must be true or false (got \(Self.show(node)))") }
        return x
    }

    public mutating func choice(_ key: String, default fallback: String, from choices: [String]) throws(ConfigError) -> String {
        guard let (node, line) = value(key) else { return fallback }
        guard let x = node.string, choices.contains(x) else {
            throw error(key, line, "must be one of \(choices.joined(separator: ", ")) (got \(Self.show(node)))")
        }
        return x
    }

    /// A list of names; with `count`, its length must lie in it (else `rule`).
    public mutating func strings(_ key: String, default fallback: [String], count: ClosedRange<Int>? = nil, _ rule: String = "") throws(ConfigError)
        -> [String]
    {
        guard let (node, line) = value(key) else { return fallback }
        guard let items = node.sequence, items.allSatisfy({ $0.string != nil && !$0.string!.isEmpty }) else {
            throw error(key, line, "must be a list of names (got \(Self.show(node)))")
        }
        if let count, !count.contains(items.count) { throw error(key, line, "\(rule) (got \(items.count))") }
        return items.map { $0.string! }
    }

    public mutating func doubles(_ key: String, default fallback: [Double], _ rule: String, _ valid: ([Double]) -> Bool) throws(ConfigError) -> [Double] {
        guard let (node, line) = value(key) else { return fallback }
        guard let items = node.sequence else { throw error(key, line, "must be a list of numbers (got \(Self.show(node)))") }
        let values = items.compactMap { $0.float ?? $0.int.map(Double.init) }
        guard values.count == items.count, values.allSatisfy(\.isFinite), valid(values) else {
            throw error(key, line, "\(rule) (got \(Self.show(node)))")
        }
        return values
    }

    /// An ordered mapping of names to numbers, e.g. engagement weights: at most `count.upperBound`
    /// entries (counted before any is read, so a huge mapping costs nothing), each name one
    /// of `names`, each weight nonzero with a size in `size`.
    public mutating func weights(_ key: String, default fallback: [(String, Double)], names: [String], count: ClosedRange<Int>,
                          size: ClosedRange<Double>, _ rule: String) throws(ConfigError) -> [(String, Double)] {
        guard let (node, line) = value(key) else { return fallback }
        guard let mapping = node.mapping, !mapping.isEmpty else {
            throw error(key, line, "must be a mapping of feature names to weights (got \(Self.show(node)))")
        }
        guard count.contains(mapping.count) else { throw error(key, line, "\(rule) (got \(mapping.count) entries)") }
        let known = Set(names)
        var result: [(String, Double)] = []
        for (k, v) in mapping {
            let entryLine = k.mark?.line ?? line
            guard let name = k.string, let weight = v.float ?? v.int.map(Double.init), weight.isFinite, size.contains(abs(weight)) else {
                throw error(key, entryLine, "each entry must be feature_name: a weight from \(size.lowerBound) to \(size.upperBound) in size, either sign")
            }
            guard known.contains(name) else {
                throw error(key, entryLine, "'\(name)' is not a feature the health states can use; `vitals features --list` lists them "
                            + "(the account, usage, support and NPS families)")
            }
            guard !result.contains(where: { $0.0 == name }) else { throw error(key, entryLine, "'\(name)' is given twice") }
            result.append((name, weight))
        }
        return result
    }

    /// A mapping of names to one of `choices` (`column: increasing`), in file order; at most
    /// `limit` entries, each name given once.
    public mutating func choices(_ key: String, default fallback: [(String, String)], from choices: [String], limit: Int) throws(ConfigError)
        -> [(String, String)]
    {
        guard let (node, line) = value(key) else { return fallback }
        guard let mapping = node.mapping else {
            throw error(key, line, "must be a mapping of column names to \(choices.joined(separator: ", ")) (got \(Self.show(node)))")
        }
        guard mapping.count <= limit else { throw error(key, line, "may name at most \(limit) columns (got \(mapping.count))") }
        var result: [(String, String)] = []
        for (k, v) in mapping {
            let entryLine = k.mark?.line ?? line
            guard let name = k.string, !name.isEmpty, let choice = v.string, choices.contains(choice) else {
                throw error(key, entryLine, "each entry must be column: one of \(choices.joined(separator: ", ")) (got \(Self.show(v)))")
            }
            guard !result.contains(where: { $0.0 == name }) else { throw error(key, entryLine, "'\(name)' is given twice") }
            result.append((name, choice))
        }
        return result
    }

    /// A name, or the default when absent.
    public mutating func name(_ key: String, default fallback: String?) throws(ConfigError) -> String? {
        guard let (node, line) = value(key) else { return fallback }
        guard let x = node.string, !x.isEmpty, node.scalar != nil else { throw error(key, line, "must be a column name (got \(Self.show(node)))") }
        return x
    }

    /// A list of texts (empty ones allowed: a missing-value token may be the empty field).
    public mutating func texts(_ key: String, default fallback: [String], count: ClosedRange<Int>, _ rule: String) throws(ConfigError) -> [String] {
        guard let (node, line) = value(key) else { return fallback }
        guard let items = node.sequence, items.allSatisfy({ $0.scalar != nil }) else {
            throw error(key, line, "must be a list of texts (got \(Self.show(node)))")
        }
        guard count.contains(items.count) else { throw error(key, line, "\(rule) (got \(items.count))") }
        return items.map { $0.scalar!.string }
    }

    /// A non-empty list of names from `choices`, each given once.
    public mutating func names(_ key: String, default fallback: [String], from choices: [String]) throws(ConfigError) -> [String] {
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
    public mutating func section(_ key: String) throws(ConfigError) -> ConfigReader {
        guard let (node, _) = value(key) else {
            return try ConfigReader(path: path, node: Node([(Node, Node)]()), prefix: fullKey(key))
        }
        return try ConfigReader(path: path, node: node, prefix: fullKey(key))
    }

    /// Fails on the first key nobody asked for: a typo must not silently fall back to a default.
    public func finish() throws(ConfigError) {
        if let unknown = pairs.first(where: { !used.contains($0.key) }) {
            let known = used.sorted().joined(separator: ", ")
            throw ConfigError(path: path, line: unknown.line, key: fullKey(unknown.key), message: "unknown key (known here: \(known))")
        }
    }

    public static func show(_ node: Node) -> String {
        if let s = node.scalar?.string { return "'\(s)'" }
        if node.sequence != nil { return "a list" }
        if node.mapping != nil { return "a mapping" }
        return "an alias"
    }
}
