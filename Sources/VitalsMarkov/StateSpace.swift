/// The states of a chain, which of them are absorbing, and which transitions can happen.
///
/// Transient states come first and absorbing states last, in the order given, so the
/// transition matrix has the canonical block form [[Q, R], [0, I]].
public struct StateSpace: Sendable, Equatable, Hashable {
    /// Every state's name, transient ones first.
    public let names: [String]
    /// How many of `names` (the first ones) are transient.
    public let transientCount: Int
    /// allowed[i][j]: whether i → j can happen. Smoothing only adds mass to allowed cells;
    /// an absorbing row allows only itself.
    public let allowed: [[Bool]]

    public var count: Int { names.count }
    public var absorbingCount: Int { names.count - transientCount }
    public var transientStates: Range<Int> { 0..<transientCount }
    public var absorbingStates: Range<Int> { transientCount..<names.count }

    /// - Parameters:
    ///   - transient: names of the transient states, at least one.
    ///   - absorbing: names of the absorbing states (may be empty).
    ///   - forbidden: transitions that cannot happen (e.g. back into `onboarding`), as (from, to) names.
    public init(transient: [String], absorbing: [String], forbidden: [(String, String)] = []) throws(MarkovError) {
        let names = transient + absorbing
        guard !transient.isEmpty else { throw .invalidStateSpace("needs at least one transient state") }
        guard Set(names).count == names.count else { throw .invalidStateSpace("state names must be unique: \(names)") }
        var allowed = [[Bool]](repeating: [Bool](repeating: true, count: names.count), count: names.count)
        for a in transient.count..<names.count {
            for j in names.indices { allowed[a][j] = a == j }
        }
        for (from, to) in forbidden {
            guard let i = names.firstIndex(of: from) else { throw .unknownState(from) }
            guard let j = names.firstIndex(of: to) else { throw .unknownState(to) }
            guard i < transient.count else { throw .invalidStateSpace("\(from) is absorbing; its row is fixed") }
            allowed[i][j] = false
        }
        for i in 0..<transient.count where !allowed[i].contains(true) {
            throw .invalidStateSpace("state \(names[i]) has every transition forbidden")
        }
        self.names = names
        self.transientCount = transient.count
        self.allowed = allowed
    }

    public func index(of name: String) throws(MarkovError) -> Int {
        guard let i = names.firstIndex(of: name) else { throw .unknownState(name) }
        return i
    }

    public func isAbsorbing(_ state: Int) -> Bool { state >= transientCount }

    public static func == (a: StateSpace, b: StateSpace) -> Bool {
        a.names == b.names && a.transientCount == b.transientCount && a.allowed == b.allowed
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
        hasher.combine(transientCount)
    }
}
