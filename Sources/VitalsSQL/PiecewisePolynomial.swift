/// A function that is a polynomial of degree ≤ k between consecutive breakpoints and constant
/// outside them (a spline shape clamped to its training range), written as SQL.
///
/// On span i, [bᵢ, bᵢ₊₁] with width wᵢ, in the local coordinate u = (x − bᵢ) / wᵢ ∈ [0, 1],
/// the polynomial is found through its values at the k + 1 equally spaced nodes uⱼ = j / k
/// (Lagrange's form, expanded into powers of u; nothing is solved, nothing is ill-conditioned
/// for k ≤ 3) and evaluated by Horner's rule, c₀ + u (c₁ + u (c₂ + u c₃)), which reproduces f
/// to a few units in the last place of max |f| on the span. Below b₀ the value is f(b₀),
/// above bₙ f(bₙ).
///
/// - Precondition: breakpoints strictly increasing, at least two; f a polynomial of degree
///   ≤ k on each span (else the form interpolates it).
struct PiecewisePolynomial: Sendable, Equatable {
    let breakpoints: [Double]
    let degree: Int
    /// Per span, the coefficients c₀ … c_k of powers of u.
    let coefficients: [[Double]]
    let below: Double
    let above: Double

    init(breakpoints: [Double], degree: Int, _ f: (Double) -> Double) {
        precondition(breakpoints.count >= 2 && zip(breakpoints, breakpoints.dropFirst()).allSatisfy { $0 < $1 }, "breakpoints must increase")
        precondition((1...3).contains(degree), "degree 1 to 3")
        self.breakpoints = breakpoints
        self.degree = degree
        let nodes = (0...degree).map { Double($0) / Double(degree) }
        coefficients = zip(breakpoints, breakpoints.dropFirst()).map { lo, hi in
            var c = [Double](repeating: 0, count: degree + 1)
            for j in nodes.indices {
                // The last node is the span's end exactly (no rounding of lo + 1 · w).
                let y = f(j == degree ? hi : lo + nodes[j] * (hi - lo))
                // yⱼ Πₘ≠ⱼ (u − uₘ) / (uⱼ − uₘ), expanded: multiply the factors in one at a time.
                var poly = [y]
                for m in nodes.indices where m != j {
                    let scale = 1 / (nodes[j] - nodes[m])
                    var next = [Double](repeating: 0, count: poly.count + 1)
                    for (power, a) in poly.enumerated() {
                        next[power + 1] += a * scale
                        next[power] -= a * nodes[m] * scale
                    }
                    poly = next
                }
                for power in poly.indices { c[power] += poly[power] }
            }
            return c
        }
        below = f(breakpoints.first!)
        above = f(breakpoints.last!)
    }

    /// The value at x, evaluated as the SQL is (for tests).
    func value(at x: Double) -> Double {
        if x <= breakpoints.first! { return below }
        if x >= breakpoints.last! { return above }
        let i = breakpoints.indices.dropLast().last { breakpoints[$0] <= x }!
        let u = (x - breakpoints[i]) / (breakpoints[i + 1] - breakpoints[i])
        var value = coefficients[i][degree]
        for power in stride(from: degree - 1, through: 0, by: -1) { value = coefficients[i][power] + u * value }
        return value
    }

    /// The SQL expression of x (never NULL for a non-NULL x).
    func sql(_ x: SQLExpression) -> SQLExpression {
        var whens = [SQLWhen(x.lessOrEqual(.double(breakpoints.first!)), .double(below)),
                     SQLWhen(x.greaterOrEqual(.double(breakpoints.last!)), .double(above))]
        for i in coefficients.indices {
            let lo = breakpoints[i], hi = breakpoints[i + 1]
            let u = (x - .double(lo)) / .double(hi - lo)
            var value: SQLExpression = .double(coefficients[i][degree])
            for power in stride(from: degree - 1, through: 0, by: -1) { value = .double(coefficients[i][power]) + u * value }
            whens.append(SQLWhen(i == coefficients.count - 1 ? .boolean(true) : x.less(.double(hi)), value))
        }
        return .cases(whens, otherwise: .null(.double))
    }
}
