import VitalsLinearAlgebra

/// The expected state of the whole book of business over the next months: today's
/// accounts and ARR per state, pushed through the chain.
///
/// With c the row vector of account counts per state today and v the ARR per state,
///
///     counts(m) = c Pᵐ        arr(m) = v Pᵐ        m = 1 … horizon
///
/// Each account's ARR is carried with it unchanged (no expansion or contraction), so
/// arr(m) in `churned` is the ARR expected to be lost by month m.
public struct BookForecast: Sendable, Equatable {
    public struct Month: Sendable, Equatable {
        /// 1 … horizon.
        public let month: Int
        /// Expected accounts per state (sums to today's total).
        public let accounts: [Double]
        /// Expected ARR per state (sums to today's total ARR).
        public let arr: [Double]
    }

    public let states: [String]
    public let months: [Month]

    /// - Parameters:
    ///   - accounts: today's accounts per state (k entries, ≥ 0).
    ///   - arr: today's ARR per state (k entries, ≥ 0).
    ///   - horizon: months to forecast. Default 12; range 1 … 120.
    public init(chain: MarkovChain, accounts: [Double], arr: [Double], horizon: Int = 12) throws {
        let k = chain.space.count
        guard accounts.count == k, arr.count == k else {
            throw MarkovError.shapeMismatch("forecast needs \(k) account counts and ARR values, got \(accounts.count) and \(arr.count)")
        }
        guard (1...120).contains(horizon) else {
            throw MarkovError.invalidParameter(name: "horizon", value: "\(horizon)", rule: "must be in 1 … 120 months")
        }
        guard (accounts + arr).allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw MarkovError.invalidParameter(name: "accounts/arr", value: "", rule: "must be finite and ≥ 0")
        }
        var current = Matrix(rows: 2, columns: k, elements: accounts + arr)
        var months: [Month] = []
        for m in 1...horizon {
            current = try current.multiply(chain.transitions)  // [c; v] P, one dgemm
            months.append(Month(month: m, accounts: Array(current.elements[0..<k]), arr: Array(current.elements[k..<(2 * k)])))
        }
        self.states = chain.space.names
        self.months = months
    }
}
