import Testing

/// Expects |actual − expected| ≤ atol + rtol · |expected|, the numpy `allclose` rule.
///
/// - Parameters: rtol default 1e-9, atol default 0.
public func assertClose(
    _ actual: Double, _ expected: Double, rtol: Double = 1e-9, atol: Double = 0,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    let tolerance = atol + rtol * abs(expected)
    let ok = actual == expected || abs(actual - expected) <= tolerance
    #expect(ok, "\(actual) is not within \(tolerance) of \(expected)\(comment.map { ": \($0)" } ?? "")",
            sourceLocation: sourceLocation)
}

/// Element-wise `assertClose` of two equally long arrays.
public func assertClose(
    _ actual: [Double], _ expected: [Double], rtol: Double = 1e-9, atol: Double = 0,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "length \(actual.count) ≠ \(expected.count)", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let tolerance = atol + rtol * abs(e)
        let ok = a == e || abs(a - e) <= tolerance
        #expect(ok, "element \(i): \(a) is not within \(tolerance) of \(e)\(comment.map { ": \($0)" } ?? "")",
                sourceLocation: sourceLocation)
    }
}
