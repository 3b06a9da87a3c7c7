/// Observed transitions between the states of a `StateSpace`: counts[i][j] is how many
/// times an entity was in state i one period and in state j the next.
///
/// Counts are integers and addition is exact, so chains fitted on disjoint parts of the
/// data (per month, per shard, per segment) merge into exactly the chain fitted on all of it.
public struct TransitionCounts: Sendable, Equatable {
    public let space: StateSpace
    public private(set) var counts: [[Int]]

    public init(space: StateSpace) {
        self.space = space
        self.counts = [[Int]](repeating: [Int](repeating: 0, count: space.count), count: space.count)
    }

    /// Counts one transition from → to.
    public mutating func add(from: Int, to: Int) throws(MarkovError) {
        guard space.names.indices.contains(from), space.names.indices.contains(to) else {
            throw .shapeMismatch("state index out of range: \(from) → \(to) in \(space.count) states")
        }
        guard space.allowed[from][to] else {
            throw .invalidStateSpace("transition \(space.names[from]) → \(space.names[to]) is forbidden by the state space")
        }
        counts[from][to] += 1
    }

    /// Counts the consecutive pairs of one entity's state sequence (one state per period).
    /// Transitions out of an absorbing state are not counted: the entity has left.
    public mutating func add(sequence: [Int]) throws(MarkovError) {
        guard sequence.count >= 2 else { return }
        for k in 1..<sequence.count {
            if space.isAbsorbing(sequence[k - 1]) { break }
            try add(from: sequence[k - 1], to: sequence[k])
        }
    }

    /// Transitions observed out of state i.
    public func total(from i: Int) -> Int { counts[i].reduce(0, +) }
    public var total: Int { counts.joined().reduce(0, +) }

    /// The counts of both; they must share a state space.
    public static func + (a: TransitionCounts, b: TransitionCounts) throws(MarkovError) -> TransitionCounts {
        guard a.space == b.space else { throw .shapeMismatch("cannot merge counts over different state spaces") }
        var sum = a
        for i in sum.counts.indices {
            for j in sum.counts[i].indices { sum.counts[i][j] += b.counts[i][j] }
        }
        return sum
    }
}
