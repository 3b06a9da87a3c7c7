// VitalsFoundation: what every other Vitals module stands on, and nothing Vitals-specific
// beyond the shared vocabulary.
//
// - `Day`: calendar dates as 4-byte day numbers, parsed from and written as `YYYY-MM-DD`.
// - Logging helpers: progress events and stage timings on a swift-log `Logger`.
// - Whole-or-nothing outputs: `AtomicFile` and the `PendingOutputs` an interrupt removes.
// - The vocabulary: `RiskTask` (churn or overrun), `Cadence` (month-ends or Sundays),
//   `RiskBands` and `RiskBand`, `Statistics.median`, and `CSVText` (the one way a CSV field
//   and a number are written).
