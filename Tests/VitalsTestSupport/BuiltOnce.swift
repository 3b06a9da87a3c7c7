import Foundation

/// A value built the first time a test asks for it and shared by the tests that follow (a
/// simulated book and its models take seconds to make). The lock makes concurrent first
/// calls build it once.
public final class BuiltOnce<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var built: Value?

    public init() {}

    public func value(_ build: () throws -> Value) throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let value = try build()
        built = value
        return value
    }
}
