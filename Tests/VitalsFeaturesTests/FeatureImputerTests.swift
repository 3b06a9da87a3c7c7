import Testing
import VitalsFeatures

@Suite struct FeatureImputerTests {
    @Test func nansBecomeTheTrainingMedianAndNothingElseChanges() {
        let nan = Double.nan
        // Columns: a (median of 1, 3, 10 = 3), b (median of 2, 4 = 3), c (never known).
        let training: [Double] = [1, 2, nan, 10, nan, nan, 3, 4, nan]
        let imputer = FeatureImputer.fit(features: training, columns: 3, names: ["a", "b", "c"])
        #expect(imputer.values == [3, 3, 0])
        #expect(imputer.allMissing == ["c"])
        var scoring: [Double] = [nan, 7, nan, 5, nan, 1]
        imputer.apply(to: &scoring)
        #expect(scoring == [3, 7, 0, 5, 3, 1])
    }
}
