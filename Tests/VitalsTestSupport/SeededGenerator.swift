import VitalsFoundation

/// The tests' seeded generator: VitalsFoundation's SplitMix64, so randomized tests are reproducible.
public typealias SeededGenerator = SplitMix64
