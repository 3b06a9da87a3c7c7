// swift-tools-version: 6.1
// A separate package, so `make test` in the root never builds the benchmarks' peer libraries.
import PackageDescription

let package = Package(
    name: "VitalsBenchmarks",
    dependencies: [
        .package(name: "Vitals", path: ".."),
        // The peer: the Swift CSV package Vitals would otherwise read with.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .target(name: "BenchmarkSupport", dependencies: [.product(name: "VitalsFoundation", package: "Vitals")]),
        .executableTarget(
            name: "IngestBenchmark",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "VitalsFoundation", package: "Vitals"),
                .product(name: "VitalsSignals", package: "Vitals"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .executableTarget(
            name: "DailyBenchmark",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "VitalsFoundation", package: "Vitals"),
                .product(name: "VitalsSignals", package: "Vitals"),
            ]
        ),
        // Writes one daily-benchmark book (its BookGenerator.swift is linked in) for measuring by hand.
        .executableTarget(
            name: "GenerateBook",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "VitalsFoundation", package: "Vitals"),
                .product(name: "VitalsSignals", package: "Vitals"),
            ]
        ),
        .executableTarget(
            name: "TrainBenchmark",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "VitalsLogistic", package: "Vitals"),
                .product(name: "VitalsAdditive", package: "Vitals"),
                .product(name: "VitalsLinearAlgebra", package: "Vitals"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
