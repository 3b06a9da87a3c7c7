// swift-tools-version: 6.1
// The libFuzzer harness, a separate package so the root never builds with the sanitizers.
// Build and run it with `make fuzz` (long) or `make fuzz-smoke` (part of `make test`):
//   swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address
import PackageDescription

let package = Package(
    name: "VitalsFuzz",
    dependencies: [
        .package(name: "Vitals", path: ".."),
    ],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "SignalsFuzzer",
            dependencies: ["CFuzzerDriver", .product(name: "_VitalsFuzzTargets", package: "Vitals")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
