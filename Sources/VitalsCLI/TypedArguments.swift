import ArgumentParser
import VitalsFoundation
import VitalsViews

// The core's vocabulary as command-line values: a bad value is refused by the parser with
// the values it accepts (exit 64), before anything is read.

extension RiskTask: ExpressibleByArgument {}
extension Cadence: ExpressibleByArgument {}
extension AtRiskSort: ExpressibleByArgument {}
extension ProjectSort: ExpressibleByArgument {}

extension Day: ExpressibleByArgument {
    /// `YYYY-MM-DD`, a real date.
    public init?(argument: String) { self.init(argument) }
}
