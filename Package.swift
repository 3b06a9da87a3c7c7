// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Vitals",
    products: [
        .executable(name: "vitals", targets: ["VitalsCLI"]),
        .library(name: "VitalsSignals", targets: ["VitalsSignals"]),
        .library(name: "VitalsSimulation", targets: ["VitalsSimulation"]),
        .library(name: "VitalsLinearAlgebra", targets: ["VitalsLinearAlgebra"]),
        .library(name: "VitalsLogistic", targets: ["VitalsLogistic"]),
        .library(name: "VitalsEvaluation", targets: ["VitalsEvaluation"]),
        .library(name: "VitalsMarkov", targets: ["VitalsMarkov"]),
        .library(name: "VitalsModel", targets: ["VitalsModel"]),
        .library(name: "VitalsTraining", targets: ["VitalsTraining"]),
        .library(name: "VitalsReport", targets: ["VitalsReport"]),
        .library(name: "VitalsHistory", targets: ["VitalsHistory"]),
        .library(name: "VitalsFeatures", targets: ["VitalsFeatures"]),
        .library(name: "VitalsInsight", targets: ["VitalsInsight"]),
        .library(name: "VitalsOutput", targets: ["VitalsOutput"]),
        // The fuzz target for the reader, for Fuzz/ (libFuzzer) and the tests; not part of vitals.
        .library(name: "VitalsFuzzTargets", targets: ["VitalsFuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256 for model ids and data fingerprints.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Training configs (Training/*.yaml).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The score history (SQLite, with migrations).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Log lines and progress events from the core; the CLI renders them (bars on a TTY).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // OpenBLAS/LAPACK from Debian's libopenblas-dev. Only VitalsLinearAlgebra imports it.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "VitalsLinearAlgebra", dependencies: ["COpenBLAS"]),
        .target(name: "VitalsLogistic", dependencies: ["VitalsLinearAlgebra"]),
        .target(name: "VitalsEvaluation"),
        .target(name: "VitalsMarkov", dependencies: ["VitalsLinearAlgebra"]),
        .target(
            name: "VitalsModel",
            dependencies: [
                "VitalsSignals", "VitalsLinearAlgebra", "VitalsLogistic", "VitalsFeatures", "VitalsMarkov", "VitalsOutput",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "VitalsTraining",
            dependencies: [
                "VitalsModel", "VitalsLogistic", "VitalsMarkov", "VitalsEvaluation", "VitalsLinearAlgebra", "VitalsSignals",
                "VitalsFeatures", "VitalsOutput",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "VitalsReport", dependencies: ["VitalsEvaluation"]),
        .target(name: "VitalsHistory", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // The people's side: the at-risk and project lists, explanations, and scoring runs kept in the history.
        .target(
            name: "VitalsInsight",
            dependencies: ["VitalsTraining", "VitalsModel", "VitalsHistory", "VitalsSignals", "VitalsFeatures", "VitalsMarkov"]
        ),
        .target(name: "VitalsFeatures", dependencies: ["VitalsSignals", .product(name: "Logging", package: "swift-log")]),
        .target(name: "VitalsSignals", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "VitalsSimulation", dependencies: ["VitalsSignals", "VitalsOutput"]),
        // Whole-or-nothing outputs: temporary files renamed into place, removed on an interrupt.
        .target(name: "VitalsOutput"),
        .target(name: "VitalsFuzzTargets", dependencies: ["VitalsSignals"]),
        .executableTarget(
            name: "VitalsCLI",
            dependencies: [
                "VitalsSignals",
                "VitalsSimulation",
                "VitalsModel",
                "VitalsTraining",
                "VitalsReport",
                "VitalsFeatures",
                "VitalsMarkov",
                "VitalsLogistic",
                "VitalsEvaluation",
                "VitalsInsight",
                "VitalsHistory",
                "VitalsOutput",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // assertClose, fixture paths and temporary directories for every test target.
        // Fixtures live in Tests/Fixtures, outside any target, and are found from the source path.
        .target(name: "VitalsTestSupport", path: "Tests/VitalsTestSupport"),
        .testTarget(
            name: "VitalsLinearAlgebraTests",
            dependencies: ["VitalsLinearAlgebra", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsLogisticTests",
            dependencies: ["VitalsLogistic", "VitalsLinearAlgebra", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsMarkovTests",
            dependencies: ["VitalsMarkov", "VitalsLinearAlgebra", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsModelTests",
            dependencies: ["VitalsModel", "VitalsLogistic", "VitalsLinearAlgebra", "VitalsEvaluation", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsTrainingTests",
            dependencies: [
                "VitalsTraining", "VitalsModel", "VitalsLogistic", "VitalsMarkov", "VitalsEvaluation", "VitalsLinearAlgebra",
                "VitalsFeatures", "VitalsSignals", "VitalsSimulation", "VitalsTestSupport",
            ]
        ),
        .testTarget(
            name: "VitalsReportTests",
            dependencies: ["VitalsReport", "VitalsEvaluation", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsHistoryTests",
            // GRDB directly, to build a history as an older release wrote it.
            dependencies: ["VitalsHistory", "VitalsTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "VitalsFeaturesTests",
            dependencies: ["VitalsFeatures", "VitalsSignals", "VitalsSimulation", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsEvaluationTests",
            dependencies: ["VitalsEvaluation", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsSignalsTests",
            dependencies: ["VitalsSignals", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsFuzzTargetsTests",
            dependencies: ["VitalsFuzzTargets", "VitalsSignals", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsSimulationTests",
            dependencies: ["VitalsSimulation", "VitalsSignals", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsCLITests",
            // The history is read back through its own module to check what the commands print, and
            // through GRDB to check its integrity after a crash.
            // VitalsModel seals a model file whose features differ, as another version would write one.
            dependencies: ["VitalsTestSupport", "VitalsHistory", "VitalsModel", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "VitalsInsightTests",
            dependencies: ["VitalsInsight", "VitalsTraining", "VitalsSignals", "VitalsTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
