import VitalsModel

/// The imputed design both tasks score: one column per snapshot feature (`x0` …, in the
/// model's order), a point-in-time feature's NULL replaced by its training median
/// (`FeatureImputer`), the Markov columns read off the state index (the median without a state).
enum ImputedDesign {
    static func columns(spec: SignalsModelSpec, state: SQLExpression?, raw: (String) -> SQLExpression) -> [SQLSelect.Output] {
        let layoutCount = spec.layout.featureNames.count
        let markovValues: [[Double]] = (0..<(spec.markov?.transientStates.count ?? 0)).map { spec.markov!.values(state: $0) }
        return spec.featureNames.enumerated().map { j, name in
            let imputed = spec.imputer.values[j]
            let value: SQLExpression
            if j < layoutCount {
                value = .function(.coalesce, [raw(name), .double(imputed)])
            } else if let state {
                let m = j - layoutCount
                value = .cases(markovValues.indices.map { SQLWhen(state.equals(.integer($0)), .double(markovValues[$0][m])) }, otherwise: .double(imputed))
            } else {
                value = .double(imputed)
            }
            return .init(value, as: "x\(j)")
        }
    }
}
