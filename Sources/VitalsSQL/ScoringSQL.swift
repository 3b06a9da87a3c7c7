import VitalsFeatures
import VitalsFoundation
import VitalsModel

/// What `vitals export-sql` compiles: the query for a model file, in a dialect.
public enum ScoringSQL {
    /// Why a model cannot be compiled.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// How far the query goes: the raw point-in-time features (for checking them against
    /// `vitals features`), or the score file's rows.
    public enum Stage: String, Sendable, CaseIterable {
        case features, scores
    }

    /// The query for `model` in `dialect`, as of `asOf` (nil: the engine's current date).
    public static func query(model: ModelFile, dialect: SQLDialect, asOf: Day?, stage: Stage = .scores) throws(Failure) -> String {
        guard let spec = model.signals else { throw Failure("\(model.modelID) is a table model; only signals models compile to SQL") }
        let recipe = spec.recipe
        let query: SQLQuery
        switch stage {
        case .features where recipe.task == .overrun:
            // The project id, then the layout's features (the forecast inputs stay inside).
            let ctes = ProjectFeatureQuery(recipe: recipe).ctes()
            let last = ctes.last!
            let names = ["project_id"] + recipe.layout.featureNames
            let final = SQLSelect(names.map { .init(.column("f", $0), as: $0) } + [.init(.asOf, as: "as_of")],
                                  from: last.name, as: "f", orderBy: [SQLOrdering(.column("f", "project_id"), text: true)])
            query = SQLQuery(ctes: ctes, final: final)
        case .features:
            let ctes = ChurnFeatureQuery(recipe: recipe).ctes()
            let last = ctes.last!
            let final = SQLSelect(last.select.outputs.map { .init(.column("f", $0.name), as: $0.name) } + [.init(.asOf, as: "as_of")],
                                  from: last.name, as: "f", orderBy: [SQLOrdering(.column("f", "account_id"), text: true)])
            query = SQLQuery(ctes: ctes, final: final)
        case .scores where recipe.task == .overrun:
            let scores = OverrunScoreQuery(model: model, spec: spec)
            query = SQLQuery(ctes: try scores.ctes(), final: scores.final(modelID: model.modelID))
        case .scores:
            let scores = ChurnScoreQuery(model: model, spec: spec)
            query = SQLQuery(ctes: try scores.ctes(), final: scores.final(modelID: model.modelID))
        }
        return SQLRenderer(dialect: dialect, asOf: asOf).render(query)
    }
}
