import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsTestSupport

/// docs/FEATURES.md's catalog table is generated from the catalog, so the documented
/// directions are the ones the fit enforces. `make config-docs` rewrites it.
@Suite struct FeatureCatalogDocsTests {
    static let begin = "<!-- catalog: generated from FeatureCatalog by `make config-docs`; do not edit by hand -->\n"
    static let end = "<!-- end of catalog -->"

    @Test func theDocumentedCatalogIsTheGeneratedOne() throws {
        let path = Fixtures.packageRoot.appendingPathComponent("docs/FEATURES.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin)), stop = try #require(text.range(of: Self.end))
        let generated = FeatureCatalog.markdownTable
        if ProcessInfo.processInfo.environment["VITALS_WRITE_CONFIG_DOCS"] == "1" {
            try (text[..<start.upperBound] + generated + text[stop.lowerBound...]).write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[start.upperBound..<stop.lowerBound]) == generated, "run make config-docs")
    }

    /// The directions people expect, spot-checked by name: the catalog is the one place they
    /// are declared, and a typo in a name would silently leave a feature unconstrained.
    @Test func directionsAreDeclaredWhereTheDomainIsClear() {
        #expect(FeatureCatalog.direction(of: "sla_breaches_90d") == .increasing)
        #expect(FeatureCatalog.direction(of: "nps_detractor_share_180d") == .increasing)
        #expect(FeatureCatalog.direction(of: "active_user_ratio_7d") == .decreasing)
        #expect(FeatureCatalog.direction(of: "days_to_renewal") == .decreasing)
        #expect(FeatureCatalog.direction(of: "burn_rate") == .increasing)
        #expect(FeatureCatalog.direction(of: "change_order_hours_ratio") == .increasing)
        #expect(FeatureCatalog.direction(of: "markov_churn_probability_3m") == .increasing)
        #expect(FeatureCatalog.direction(of: "segment=SMB") == .either)
        #expect(FeatureCatalog.direction(of: "tenure_days") == .either)
    }
}
