/// A config (training or alerts) that cannot be used: the file, the line, the key and the rule.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let path: String
    /// 1-based line of the offending key or value (0 when unknown).
    public let line: Int
    /// The dotted key, e.g. `model.c` or `webhook.max_attempts`.
    public let key: String
    public let message: String
    /// The file could not be read at all (absent, not a regular file, no permission).
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
