// swift-tools-version: 6.1
import PackageDescription

// The modules follow the data (docs/ARCHITECTURE.md): each imports only those listed above it.
//
//   VitalsFoundation                  days, logging and progress, whole-or-nothing outputs, the shared vocabulary
//   VitalsSignals   VitalsHistory     the contract's reader and validator; the score history (SQLite)
//   VitalsLinearAlgebra → VitalsEvaluation, VitalsLogistic, VitalsMarkov    the maths
//   VitalsFeatures                    point-in-time features, the state rules and chains, the one Featurizer
//   VitalsModel                       the model file
//   VitalsTraining                    the config and the one Trainer (only the CLI imports it)
//   VitalsScoring                     scored snapshots, score files, previous scores, the scoring run, evaluation
//   VitalsViews                       lists, explanations, trends, reports and their renderers
//   VitalsAlerts                      alert rules and config, webhook delivery (`vitals alerts`)
//   VitalsCLI                         `vitals`: options, exit codes, one core call per command
/// The numerical modules are optimized in debug builds too: the test suite trains models in
/// process and through the debug binary, and unoptimized Swift loops (spline bases, line
/// searches, person-period expansion, the CSV scanner, features, bootstrap) made it several
/// times slower than the release build.
/// Their tests still import them `@testable` (SwiftPM keeps -enable-testing in debug).
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Vitals",
    products: [
        .executable(name: "vitals", targets: ["VitalsCLI"]),
        // The layers meant for use from other Swift code: read a signals directory, simulate one,
        // train a model, score with it, and show the results.
        .library(name: "VitalsSignals", targets: ["VitalsSignals"]),
        .library(name: "VitalsSimulation", targets: ["VitalsSimulation"]),
        .library(name: "VitalsFeatures", targets: ["VitalsFeatures"]),
        .library(name: "VitalsTraining", targets: ["VitalsTraining"]),
        .library(name: "VitalsScoring", targets: ["VitalsScoring"]),
        .library(name: "VitalsViews", targets: ["VitalsViews"]),
        .library(name: "VitalsSQL", targets: ["VitalsSQL"]),
        .library(name: "VitalsAlerts", targets: ["VitalsAlerts"]),
        // What every layer's API speaks: days, the vocabulary, whole-or-nothing outputs.
        .library(name: "VitalsFoundation", targets: ["VitalsFoundation"]),
        // The maths on their own: matrices on OpenBLAS, penalized logistic regression, absorbing Markov chains.
        .library(name: "VitalsLinearAlgebra", targets: ["VitalsLinearAlgebra"]),
        .library(name: "VitalsLogistic", targets: ["VitalsLogistic"]),
        .library(name: "VitalsAdditive", targets: ["VitalsAdditive"]),
        .library(name: "VitalsMarkov", targets: ["VitalsMarkov"]),
        .library(name: "VitalsHazard", targets: ["VitalsHazard"]),
        // Not API: the fuzz target for Fuzz/ (libFuzzer); the underscore says so, as swift-numerics' `_NumericsShims`.
        .library(name: "_VitalsFuzzTargets", targets: ["VitalsFuzzTargets"]),
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
        // Foundation: no Vitals dependency.
        .target(name: "VitalsFoundation", dependencies: ["CFixedDecimal", .product(name: "Logging", package: "swift-log")]),
        // printf's %.*f without Swift's CVarArg boxing (fixedDecimal).
        .target(name: "CFixedDecimal"),

        // Signals and the history.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .target(name: "VitalsSignals", dependencies: ["VitalsFoundation", "CISAL", .product(name: "Logging", package: "swift-log")],
                swiftSettings: optimizedInDebug),
        .target(name: "VitalsHistory", dependencies: ["VitalsFoundation", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "VitalsSimulation", dependencies: ["VitalsFoundation", "VitalsSignals"]),
        .target(name: "VitalsFuzzTargets", dependencies: ["VitalsSignals", "CZlib"]),

        // The maths. OpenBLAS/LAPACK from Debian's libopenblas-dev; only VitalsLinearAlgebra imports it.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "VitalsLinearAlgebra", dependencies: ["COpenBLAS"], swiftSettings: optimizedInDebug),
        .target(name: "VitalsEvaluation", dependencies: ["VitalsFoundation"], swiftSettings: optimizedInDebug),
        .target(
            name: "VitalsLogistic",
            dependencies: ["VitalsFoundation", "VitalsLinearAlgebra", "VitalsEvaluation", .product(name: "Logging", package: "swift-log")],
            swiftSettings: optimizedInDebug
        ),
        .target(
            name: "VitalsAdditive",
            dependencies: ["VitalsFoundation", "VitalsLinearAlgebra", "VitalsLogistic", "VitalsEvaluation", .product(name: "Logging", package: "swift-log")],
            swiftSettings: optimizedInDebug
        ),
        .target(name: "VitalsMarkov", dependencies: ["VitalsLinearAlgebra"]),
        .target(name: "VitalsHazard", dependencies: ["VitalsFoundation", "VitalsLinearAlgebra", "VitalsLogistic", "VitalsAdditive"], swiftSettings: optimizedInDebug),

        // Features, the model file, training, scoring and the views.
        .target(
            name: "VitalsFeatures",
            dependencies: ["VitalsFoundation", "VitalsSignals", "VitalsLinearAlgebra", "VitalsMarkov", .product(name: "Logging", package: "swift-log")],
            swiftSettings: optimizedInDebug
        ),
        .target(
            name: "VitalsModel",
            dependencies: [
                "VitalsFoundation", "VitalsFeatures", "VitalsLogistic", "VitalsAdditive", "VitalsLinearAlgebra", "VitalsSignals", "VitalsEvaluation", "VitalsHazard",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The YAML config reader shared by training configs and alerts configs (ConfigReader, ConfigError).
        .target(name: "VitalsConfig", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "VitalsTraining",
            dependencies: [
                "VitalsConfig", "VitalsFoundation", "VitalsSignals", "VitalsFeatures", "VitalsModel", "VitalsLogistic", "VitalsAdditive", "VitalsMarkov",
                "VitalsEvaluation", "VitalsLinearAlgebra", "VitalsHazard",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "VitalsScoring",
            dependencies: [
                "VitalsFoundation", "VitalsSignals", "VitalsFeatures", "VitalsModel", "VitalsHistory", "VitalsLogistic", "VitalsAdditive",
                "VitalsEvaluation", "VitalsLinearAlgebra", "VitalsHazard", .product(name: "Logging", package: "swift-log"),
                // SHA-256 of the score file, which ties a history run to the files it wrote.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The daily scoring compiled to SQL for DuckDB, Spark and PostgreSQL (`vitals export-sql`).
        .target(
            name: "VitalsSQL",
            dependencies: [
                "VitalsFoundation", "VitalsSignals", "VitalsFeatures", "VitalsModel", "VitalsLogistic", "VitalsAdditive", "VitalsHazard",
                "VitalsMarkov", "VitalsEvaluation",
            ]
        ),
        .target(
            name: "VitalsViews",
            dependencies: [
                "VitalsFoundation", "VitalsSignals", "VitalsFeatures", "VitalsModel", "VitalsScoring", "VitalsHistory", "VitalsMarkov",
                "VitalsEvaluation", "VitalsAdditive", "VitalsHazard",
            ]
        ),
        // `vitals alerts`: the alert rules and their config, and webhook delivery with a ledger in the history.
        .target(
            name: "VitalsAlerts",
            dependencies: [
                "VitalsConfig", "VitalsFoundation", "VitalsSignals", "VitalsScoring", "VitalsHistory", "VitalsViews",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "VitalsCLI",
            dependencies: [
                "VitalsFoundation", "VitalsSignals", "VitalsSimulation", "VitalsFeatures", "VitalsModel", "VitalsTraining", "VitalsScoring",
                "VitalsViews", "VitalsSQL", "VitalsHistory", "VitalsMarkov", "VitalsLogistic", "VitalsAdditive", "VitalsEvaluation", "VitalsAlerts",
                "VitalsConfig", .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildCommit"]
        ),
        // Writes the git commit the CLI is built from into a generated source, for `vitals --version`.
        .plugin(name: "BuildCommit", capability: .buildTool()),

        // assertClose, fixture paths and temporary directories for every test target.
        // Fixtures live in Tests/Fixtures, outside any target, and are found from the source path.
        // Test targets mirror the source folders.
        .target(name: "VitalsTestSupport", dependencies: ["VitalsFoundation"], path: "Tests/VitalsTestSupport"),
        // Simulated books and models trained on them in process, shared by the feature, training, scoring and view tests.
        .target(
            name: "VitalsTestBooks",
            dependencies: ["VitalsTestSupport", "VitalsSimulation", "VitalsSignals", "VitalsFeatures", "VitalsFoundation", "VitalsModel", "VitalsTraining"],
            path: "Tests/VitalsTestBooks"
        ),
        .testTarget(name: "VitalsFoundationTests", dependencies: ["VitalsFoundation", "VitalsSignals", "VitalsTestSupport"]),
        .testTarget(
            name: "VitalsSQLTests",
            dependencies: ["VitalsSQL", "VitalsSignals", "VitalsFoundation", "VitalsTestSupport", "VitalsTestBooks", "VitalsScoring", "VitalsModel",
                           "VitalsFeatures", "VitalsAdditive", "VitalsLogistic", "VitalsHazard"]
        ),
        .testTarget(name: "VitalsSignalsTests", dependencies: ["VitalsSignals", "VitalsFoundation", "VitalsTestSupport"]),
        .testTarget(
            name: "VitalsHistoryTests",
            // GRDB directly, to build a history as an older release wrote it.
            dependencies: ["VitalsHistory", "VitalsTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "VitalsSimulationTests", dependencies: ["VitalsSimulation", "VitalsSignals", "VitalsFoundation", "VitalsTestSupport"]),
        .testTarget(name: "VitalsFuzzTargetsTests", dependencies: ["VitalsFuzzTargets", "VitalsSignals", "VitalsTestSupport"]),
        .testTarget(name: "VitalsLinearAlgebraTests", dependencies: ["VitalsLinearAlgebra", "VitalsTestSupport"]),
        .testTarget(name: "VitalsEvaluationTests", dependencies: ["VitalsEvaluation", "VitalsTestSupport"]),
        .testTarget(name: "VitalsLogisticTests", dependencies: ["VitalsLogistic", "VitalsLinearAlgebra", "VitalsEvaluation", "VitalsMarkov", "VitalsTestSupport"]),
        .testTarget(
            name: "VitalsAdditiveTests",
            dependencies: ["VitalsAdditive", "VitalsLogistic", "VitalsLinearAlgebra", "VitalsEvaluation", "VitalsFoundation", "VitalsTestSupport"]
        ),
        .testTarget(name: "VitalsMarkovTests", dependencies: ["VitalsMarkov", "VitalsLinearAlgebra", "VitalsTestSupport"]),
        .testTarget(
            name: "VitalsHazardTests",
            dependencies: ["VitalsHazard", "VitalsAdditive", "VitalsLogistic", "VitalsLinearAlgebra", "VitalsFoundation", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsFeaturesTests",
            dependencies: ["VitalsFeatures", "VitalsSignals", "VitalsFoundation", "VitalsMarkov", "VitalsLinearAlgebra", "VitalsSimulation", "VitalsLogistic", "VitalsEvaluation", "VitalsTestBooks", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsModelTests",
            dependencies: ["VitalsModel", "VitalsFeatures", "VitalsLogistic", "VitalsAdditive", "VitalsLinearAlgebra", "VitalsEvaluation", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsTrainingTests",
            dependencies: [
                "VitalsTraining", "VitalsModel", "VitalsFeatures", "VitalsScoring", "VitalsSignals", "VitalsFoundation", "VitalsSimulation",
                "VitalsLogistic", "VitalsAdditive", "VitalsHazard", "VitalsTestBooks", "VitalsTestSupport",
            ]
        ),
        .testTarget(
            name: "VitalsScoringTests",
            dependencies: [
                "VitalsScoring", "VitalsModel", "VitalsFeatures", "VitalsHistory", "VitalsSignals", "VitalsFoundation", "VitalsLogistic",
                "VitalsAdditive", "VitalsLinearAlgebra", "VitalsHazard", "VitalsEvaluation", "VitalsTraining", "VitalsSimulation", "VitalsTestBooks", "VitalsTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "VitalsViewsTests",
            dependencies: [
                "VitalsViews", "VitalsScoring", "VitalsModel", "VitalsFeatures", "VitalsMarkov", "VitalsHistory", "VitalsEvaluation", "VitalsSignals", "VitalsFoundation",
                "VitalsTraining", "VitalsSimulation", "VitalsAdditive", "VitalsTestBooks", "VitalsTestSupport",
                // zlib decodes the browser test's PNG screenshots.
                "CZlib",
            ]
        ),
        .testTarget(
            name: "VitalsAlertsTests",
            dependencies: ["VitalsAlerts", "VitalsConfig", "VitalsHistory", "VitalsFoundation", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsCLITests",
            // The history is read back through its own module to check what the commands print, and
            // through GRDB to check its integrity after a crash.
            // VitalsModel seals a model file whose features differ, as another version would write one.
            // VitalsScoring recovers a folder after a kill, as the next `vitals score` would.
            // VitalsSignals' scanner rewrites a book in the quoted form exports take.
            dependencies: [
                "VitalsTestSupport", "VitalsHistory", "VitalsModel", "VitalsLogistic", "VitalsAdditive", "VitalsScoring", "VitalsSignals",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
