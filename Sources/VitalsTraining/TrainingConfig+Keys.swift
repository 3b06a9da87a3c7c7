import VitalsAdditive
import VitalsFeatures
import VitalsFoundation
import VitalsLogistic
import VitalsMarkov
import VitalsConfig

/// One key of the training config: where it lives, what it means and allows, how it is read
/// (with its default) and how it is written back into the model file.
struct ConfigKey: Sendable {
    /// The section (`labels`, …), nil at the top level.
    let section: String?
    let name: String
    /// The rule, as errors say it ("must be a number > 0"); the docs show it without "must be".
    let rule: String
    /// What the key does, for Training/README.md.
    let meaning: String
    /// Reads the key from its section's reader into the config; an absent key sets the default.
    let read: @Sendable (inout ConfigReader, inout TrainingConfig, ConfigKey) throws(ConfigError) -> Void
    /// The key's `(dotted name, value)` entries in the model file's copy of the config.
    let write: @Sendable (TrainingConfig, ConfigKey) -> [(String, String)]

    var key: String { section.map { "\($0).\(name)" } ?? name }

    init(_ section: String?, _ name: String, rule: String, meaning: String,
         read: @escaping @Sendable (inout ConfigReader, inout TrainingConfig, ConfigKey) throws(ConfigError) -> Void,
         write: @escaping @Sendable (TrainingConfig) -> String) {
        self.section = section
        self.name = name
        self.rule = rule
        self.meaning = meaning
        self.read = read
        let dotted = section.map { "\($0).\(name)" } ?? name
        self.write = { config, _ in [(dotted, write(config))] }
    }

    init(_ section: String?, _ name: String, rule: String, meaning: String,
         read: @escaping @Sendable (inout ConfigReader, inout TrainingConfig, ConfigKey) throws(ConfigError) -> Void,
         writeEntries: @escaping @Sendable (TrainingConfig, ConfigKey) -> [(String, String)]) {
        self.section = section
        self.name = name
        self.rule = rule
        self.meaning = meaning
        self.read = read
        self.write = writeEntries
    }
}

/// A section of the config: its keys in reading order, and a check of the section as a whole.
struct ConfigSection: Sendable {
    let name: String?
    let keys: [ConfigKey]
    var check: @Sendable (TrainingConfig, String) throws(ConfigError) -> Void = { _, _ throws(ConfigError) in }
}

extension TrainingConfig {
    static func list(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
    static func names(_ values: [String]) -> String { "[" + values.joined(separator: ", ") + "]" }

    /// The penalties C a config may give: far enough from 0 and ∞ that the loss's
    /// strength 1 / (C Σ w) stays a normal number on any book.
    static let penalties: ClosedRange<Double> = 1e-6...1e6

    /// The config's keys, section by section, in the order they are read.
    static let sections: [ConfigSection] = [
        ConfigSection(name: nil, keys: [
            ConfigKey(nil, "task", rule: "must be one of churn, overrun", meaning: "which model; the only required key",
                      read: { _, _, _ throws(ConfigError) in }, write: { $0.task.rawValue }),
            ConfigKey(nil, "seed", rule: "must be an integer from 0 to 2147483647",
                      meaning: "for anything random; the same data, config and seed give the same model file byte for byte",
                      read: { r, c, k throws(ConfigError) in c.seed = try r.int(k.name, default: 42, k.rule) { (0...Int(Int32.max)).contains($0) } },
                      write: { "\($0.seed)" }),
        ]),
        ConfigSection(name: "labels", keys: [
            ConfigKey("labels", "horizon_days", rule: "must be an integer in 1…730",
                      meaning: "churn: positive when `churn_date` falls in (D, D + H]",
                      read: { r, c, k throws(ConfigError) in c.horizonDays = try r.int(k.name, default: SnapshotBuilder.defaultHorizonDays, k.rule) { (1...730).contains($0) } },
                      write: { "\($0.horizonDays)" }),
            ConfigKey("labels", "curve_months", rule: "must be an integer in 0…60, and 0 or at least the horizon",
                      meaning: "churn: the months the churn curve reaches, a discrete-time hazard model on monthly person-period rows "
                          + "whose curve gives `churn_probability` at the horizon and every other horizon; 0 fits a plain model of churn within the horizon",
                      read: { r, c, k throws(ConfigError) in
                          c.curveMonths = try r.int(k.name, default: 12, k.rule) { (0...60).contains($0) }
                          if c.curveMonths > 0, Double(c.curveMonths) * 365.25 / 12 < Double(c.horizonDays) {
                              throw r.error(k.name, 0, "\(k.rule): \(c.curveMonths) months do not reach the \(c.horizonDays)-day horizon")
                          }
                      }, write: { "\($0.curveMonths)" }),
            ConfigKey("labels", "curve_landmark_every", rule: "must be an integer in 1…12",
                      meaning: "churn curves: each account's snapshots on every n-th snapshot date are its landmarks, staggered across "
                          + "accounts so that every date is represented; one account's landmarks a month apart share most of their months "
                          + "ahead, so 2 keeps nearly all the information for half the rows",
                      read: { r, c, k throws(ConfigError) in c.curveLandmarkEvery = try r.int(k.name, default: 2, k.rule) { (1...12).contains($0) } },
                      write: { "\($0.curveLandmarkEvery)" }),
            ConfigKey("labels", "cadence", rule: "must be one of monthly, weekly",
                      meaning: "the snapshot dates: month-ends or Sundays",
                      read: { r, c, k throws(ConfigError) in
                          c.cadence = Cadence(rawValue: try r.choice(k.name, default: c.task.defaultCadence.rawValue,
                                                                     from: Cadence.allCases.map(\.rawValue)))!
                      }, write: { $0.cadence.rawValue }),
            ConfigKey("labels", "tolerance", rule: "must be a number in [0, 5]",
                      meaning: "overrun: positive when logged hours exceed `budget_hours` × (1 + T)",
                      read: { r, c, k throws(ConfigError) in c.tolerance = try r.double(k.name, default: SnapshotBuilder.defaultTolerance, k.rule) { (0...5).contains($0) } },
                      write: { "\($0.tolerance)" }),
            ConfigKey("labels", "grace_days", rule: "must be an integer from 0 to 3650",
                      meaning: "overrun: positive when `actual_end_date` is after `planned_end_date` + G",
                      read: { r, c, k throws(ConfigError) in c.graceDays = try r.int(k.name, default: SnapshotBuilder.defaultGraceDays, k.rule) { (0...3650).contains($0) } },
                      write: { "\($0.graceDays)" }),
            ConfigKey("labels", "positive", rule: "must be a list of 1 to 20 texts",
                      meaning: "tables: the label texts of the positive class, compared ignoring case",
                      read: { r, c, k throws(ConfigError) in
                          c.positiveLabels = try r.texts(k.name, default: FeatureTable.defaultPositiveLabels, count: 1...20, k.rule)
                      }, write: { names($0.positiveLabels) }),
            ConfigKey("labels", "negative", rule: "must be a list of 1 to 20 texts, none of them positive",
                      meaning: "tables: the label texts of the negative class, compared ignoring case",
                      read: { r, c, k throws(ConfigError) in
                          let positive = Set(c.positiveLabels.map { $0.lowercased() })
                          c.negativeLabels = try r.texts(k.name, default: FeatureTable.defaultNegativeLabels, count: 1...20, k.rule)
                          if c.negativeLabels.contains(where: { positive.contains($0.lowercased()) }) {
                              throw r.error(k.name, 0, "\(k.rule): a text cannot mean both classes")
                          }
                      }, write: { names($0.negativeLabels) }),
        ]),
        ConfigSection(name: "features", keys: [
            ConfigKey("features", "families", rule: "must be a list of account, usage, support, nps, delivery, markov",
                      meaning: "the feature families the model uses (overrun models always use the project's own delivery features)",
                      read: { r, c, k throws(ConfigError) in
                          let names = try r.strings(k.name, default: allowedFamilies.map(\.rawValue))
                          if let unknown = names.first(where: { name in !allowedFamilies.contains { $0.rawValue == name } }) {
                              throw ConfigError(path: r.path, line: 0, key: k.key,
                                                message: "unknown family '\(unknown)' (known: \(allowedFamilies.map(\.rawValue).joined(separator: ", ")))")
                          }
                          c.families = names.map { FeatureFamily(rawValue: $0)! }
                      }, write: { names($0.families.map(\.rawValue)) }),
            ConfigKey("features", "categorical", rule: "must be a list of up to 1000 column names",
                      meaning: "tables: columns read as categories (one-hot) even when every value is a number, such as codes",
                      read: { r, c, k throws(ConfigError) in c.categoricalColumns = try r.strings(k.name, default: [], count: 0...1000, k.rule) },
                      writeEntries: { c, k in c.categoricalColumns.isEmpty ? [] : [(k.key, names(c.categoricalColumns))] }),
            ConfigKey("features", "exclude", rule: "must be a list of up to 1000 column names",
                      meaning: "tables: columns never used as features (row numbers, names, free text); `--exclude` adds to them",
                      read: { r, c, k throws(ConfigError) in c.excludedColumns = try r.strings(k.name, default: [], count: 0...1000, k.rule) },
                      writeEntries: { c, k in c.excludedColumns.isEmpty ? [] : [(k.key, names(c.excludedColumns))] }),
            ConfigKey("features", "monotone", rule: "must map up to 1000 numeric columns to increasing, decreasing or either",
                      meaning: "tables: the direction each column may move the risk as it grows, which the fit enforces (signals models take theirs from the feature catalog)",
                      read: { r, c, k throws(ConfigError) in
                          c.tableDirections = try r.choices(k.name, default: [], from: RiskDirection.allCases.map(\.rawValue), limit: 1000)
                              .map { ($0.0, RiskDirection(rawValue: $0.1)!) }
                      }, writeEntries: { c, k in c.tableDirections.map { ("\(k.key).\($0.column)", $0.direction.rawValue) } }),
            ConfigKey("features", "interactions", rule: "must be a list of up to 20 pairs of feature names written first:second",
                      meaning: "interactions to try before any screened ones (model feature names: a numeric column, or a one-hot level such as `plan=pro`)",
                      read: { r, c, k throws(ConfigError) in
                          let texts = try r.strings(k.name, default: [], count: 0...20, k.rule)
                          c.declaredInteractions = try texts.map { text throws(ConfigError) in
                              let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                              guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0] != parts[1] else {
                                  throw r.error(k.name, 0, "\(k.rule) (got '\(text)')")
                              }
                              return (parts[0], parts[1])
                          }
                      }, writeEntries: { c, k in c.declaredInteractions.isEmpty ? [] : [(k.key, names(c.declaredInteractions.map { "\($0.0):\($0.1)" }))] }),
            ConfigKey("features", "missing_values", rule: "must be a list of 1 to 20 texts",
                      meaning: "tables: the texts that mean a missing value (compared after trimming spaces; case matters)",
                      read: { r, c, k throws(ConfigError) in
                          c.missingValues = try r.texts(k.name, default: TableEncoder.defaultMissingValues, count: 1...20, k.rule)
                      }, write: { "[" + $0.missingValues.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }),
            ConfigKey("features", "time_column", rule: "must be a column name",
                      meaning: "tables: the column (dates or numbers) that orders the rows in time; the latest rows are held out and C is chosen by time-ordered folds. Without it the rows are taken as unordered: the held-out rows are the file's last and the folds stratified",
                      read: { r, c, k throws(ConfigError) in c.timeColumn = try r.name(k.name, default: nil) },
                      writeEntries: { c, k in c.timeColumn.map { [(k.key, $0)] } ?? [] }),
        ]),
        ConfigSection(name: "states", keys: [
            ConfigKey("states", "onboarding_days", rule: "must be an integer from 0 to 3650", meaning: "accounts younger than this are in `onboarding`",
                      read: { r, c, k throws(ConfigError) in
                          c.healthStates.onboardingDays = try r.int(k.name, default: 90, k.rule) { (0...3650).contains($0) }
                      }, write: { "\($0.healthStates.onboardingDays)" }),
            ConfigKey("states", "bands", rule: "must be a list of 2 to 10 names, best first", meaning: "the engagement bands after onboarding",
                      read: { r, c, k throws(ConfigError) in
                          c.healthStates.bands = try r.strings(k.name, default: HealthStateRule().bands, count: 2...10, k.rule)
                      }, write: { names($0.healthStates.bands) }),
            ConfigKey("states", "band_quantiles", rule: "must be increasing numbers in (0, 1), one fewer than the bands",
                      meaning: "training quantiles of the engagement index that separate the bands: by default the lowest 25 % at risk, the top 40 % healthy",
                      read: { r, c, k throws(ConfigError) in
                          let bands = c.healthStates.bands.count
                          c.healthStates.bandQuantiles = try r.doubles(k.name, default: HealthStateRule().bandQuantiles, k.rule) { q in
                              q.count == bands - 1 && q.allSatisfy { $0 > 0 && $0 < 1 } && zip(q, q.dropFirst()).allSatisfy { $0 < $1 }
                          }
                      }, write: { list($0.healthStates.bandQuantiles) }),
            ConfigKey("states", "engagement", rule: "must map 1 to 50 catalog features to weights from 1e-6 to 1e6 in size, either sign",
                      meaning: "the engagement index: each feature standardized on the training snapshots, weighted, averaged over the features present (a missing feature is left out, not zeroed)",
                      read: { r, c, k throws(ConfigError) in
                          c.healthStates.components = try r.weights(k.name, default: HealthStateRule.defaultComponents.map { ($0.feature, $0.weight) },
                                                                   names: HealthStateRule.engagementFeatures, count: 1...50, size: 1e-6...1e6, k.rule)
                              .map { HealthStateRule.Component(feature: $0.0, weight: $0.1) }
                      }, writeEntries: { config, k in config.healthStates.components.map { ("\(k.key).\($0.feature)", "\($0.weight)") } }),
            ConfigKey("states", "smoothing", rule: "must be a number from 0 to 1000000",
                      meaning: "pseudo-count added to every allowed transition (0.5: Jeffreys' prior)",
                      read: { r, c, k throws(ConfigError) in c.chain.smoothing = try r.double(k.name, default: 0.5, k.rule) { (0...1e6).contains($0) } },
                      write: { "\($0.chain.smoothing)" }),
            ConfigKey("states", "shrinkage", rule: "must be a number from 0 to 1000000",
                      meaning: "how many transitions' weight the global chain has in a segment's chain",
                      read: { r, c, k throws(ConfigError) in c.chain.shrinkage = try r.double(k.name, default: 20, k.rule) { (0...1e6).contains($0) } },
                      write: { "\($0.chain.shrinkage)" }),
        ], check: { config, path throws(ConfigError) in
            do { try config.healthStates.validate() } catch { throw ConfigError(path: path, line: 0, key: "states", message: "\(error)") }
        }),
        ConfigSection(name: "phases", keys: [
            ConfigKey("phases", "burn_watch", rule: "must be a number above 0, at most 1000",
                      meaning: "project phase `watch` above this burn rate (budget share burned / time share elapsed)",
                      read: { r, c, k throws(ConfigError) in c.projectPhases.burnWatch = try r.double(k.name, default: 1.1, k.rule) { $0 > 0 && $0 <= 1000 } },
                      write: { "\($0.projectPhases.burnWatch)" }),
            ConfigKey("phases", "burn_off_track", rule: "must be a number from burn_watch to 1000", meaning: "project phase `off_track` above this burn rate",
                      read: { r, c, k throws(ConfigError) in
                          let watch = c.projectPhases.burnWatch
                          c.projectPhases.burnOffTrack = try r.double(k.name, default: 1.3, k.rule) { $0 >= watch && $0 <= 1000 }
                      }, write: { "\($0.projectPhases.burnOffTrack)" }),
            ConfigKey("phases", "schedule_watch", rule: "must be a number in [0, 1]",
                      meaning: "project phase `watch` below this schedule performance index (milestones done / due)",
                      read: { r, c, k throws(ConfigError) in
                          c.projectPhases.scheduleWatch = try r.double(k.name, default: 0.9, k.rule) { (0...1).contains($0) }
                      }, write: { "\($0.projectPhases.scheduleWatch)" }),
            ConfigKey("phases", "schedule_off_track", rule: "must be a number in [0, schedule_watch]",
                      meaning: "project phase `off_track` below this schedule performance index",
                      read: { r, c, k throws(ConfigError) in
                          let watch = c.projectPhases.scheduleWatch
                          c.projectPhases.scheduleOffTrack = try r.double(k.name, default: 0.75, k.rule) { $0 >= 0 && $0 <= watch }
                      }, write: { "\($0.projectPhases.scheduleOffTrack)" }),
            ConfigKey("phases", "change_watch", rule: "must be a number from 0 to 1000", meaning: "project phase `watch` above this change-order hours / budget",
                      read: { r, c, k throws(ConfigError) in c.projectPhases.changeWatch = try r.double(k.name, default: 0.1, k.rule) { (0...1000).contains($0) } },
                      write: { "\($0.projectPhases.changeWatch)" }),
            ConfigKey("phases", "change_off_track", rule: "must be a number from change_watch to 1000",
                      meaning: "project phase `off_track` above this change-order hours / budget",
                      read: { r, c, k throws(ConfigError) in
                          let watch = c.projectPhases.changeWatch
                          c.projectPhases.changeOffTrack = try r.double(k.name, default: 0.25, k.rule) { $0 >= watch && $0 <= 1000 }
                      }, write: { "\($0.projectPhases.changeOffTrack)" }),
        ]),
        ConfigSection(name: "model", keys: [
            ConfigKey("model", "c", rule: "must be a number from 1e-6 to 1e6", meaning: "inverse regularization strength C (scikit-learn's convention)",
                      read: { r, c, k throws(ConfigError) in c.c = try r.double(k.name, default: 1, k.rule, penalties.contains) }, write: { "\($0.c)" }),
            ConfigKey("model", "select_c", rule: "must be true or false",
                      meaning: "pick C from `c_grid` by cross-validation (mean held-out log loss): for signals, folds forward in time and grouped by account or project; for tables, stratified folds, or forward in time with `features.time_column`",
                      read: { r, c, k throws(ConfigError) in c.selectC = try r.bool(k.name, default: true) }, write: { "\($0.selectC)" }),
            ConfigKey("model", "c_grid", rule: "must be a list of 1 to 20 numbers from 1e-6 to 1e6", meaning: "the candidates for `select_c`",
                      read: { r, c, k throws(ConfigError) in
                          c.cGrid = try r.doubles(k.name, default: [0.01, 0.1, 1, 10], k.rule) { g in (1...20).contains(g.count) && g.allSatisfy(penalties.contains) }
                      }, write: { list($0.cGrid) }),
            ConfigKey("model", "cv_folds", rule: "must be an integer in 2…10", meaning: "cross-validation folds for `select_c`",
                      read: { r, c, k throws(ConfigError) in c.cvFolds = try r.int(k.name, default: 2, k.rule) { (2...10).contains($0) } },
                      write: { "\($0.cvFolds)" }),
            ConfigKey("model", "shape", rule: "must be one of linear, additive",
                      meaning: "additive: a penalized spline per numeric feature (a generalized additive model) and a line per indicator; linear: one coefficient per feature",
                      read: { r, c, k throws(ConfigError) in
                          c.shape = ModelShape(rawValue: try r.choice(k.name, default: ModelShape.additive.rawValue, from: ModelShape.allCases.map(\.rawValue)))!
                      }, write: { $0.shape.rawValue }),
            ConfigKey("model", "basis_columns", rule: "must be an integer from 2 to 32",
                      meaning: "additive: columns per spline (knots at training quantiles); a feature with fewer distinct values gets one per value",
                      read: { r, c, k throws(ConfigError) in c.shapeSettings.columnsPerFeature = try r.int(k.name, default: 8, k.rule) { (2...32).contains($0) } },
                      write: { "\($0.shapeSettings.columnsPerFeature)" }),
            ConfigKey("model", "basis_grid", rule: "must be a list of 0 to 6 integers from 2 to 32",
                      meaning: "additive, with `select_c`: after C is chosen at `basis_columns`, each other size here is cross-validated at that C by the same folds, and the lowest mean held-out log loss wins (a tie goes to fewer columns); [] keeps `basis_columns`",
                      read: { r, c, k throws(ConfigError) in
                          c.basisGrid = try r.doubles(k.name, default: [5, 8, 12, 16], k.rule) { g in
                              g.count <= 6 && g.allSatisfy { $0 == $0.rounded() && (2...32).contains($0) }
                          }.map { Int($0) }
                      }, write: { "[" + $0.basisGrid.map(String.init).joined(separator: ", ") + "]" }),
            ConfigKey("model", "spline_degree", rule: "must be an integer from 1 to 3", meaning: "additive: the splines' degree (3: cubic)",
                      read: { r, c, k throws(ConfigError) in c.shapeSettings.degree = try r.int(k.name, default: 2, k.rule) { (1...3).contains($0) } },
                      write: { "\($0.shapeSettings.degree)" }),
            ConfigKey("model", "smoothing", rule: "must be a number from 0 to 1e6",
                      meaning: "additive: weight of the penalty on a spline's changes of slope, beside the ridge (both scaled by 1 / C)",
                      read: { r, c, k throws(ConfigError) in c.shapeSettings.smoothing = try r.double(k.name, default: ShapeSettings().smoothing, k.rule) { (0...1e6).contains($0) } },
                      write: { "\($0.shapeSettings.smoothing)" }),
            ConfigKey("model", "ridge", rule: "must be a number above 0, up to 1e6",
                      meaning: "additive: weight of the ridge on a spline's coefficients and a line's standardized one",
                      read: { r, c, k throws(ConfigError) in c.shapeSettings.ridge = try r.double(k.name, default: ShapeSettings().ridge, k.rule) { $0 > 0 && $0 <= 1e6 } },
                      write: { "\($0.shapeSettings.ridge)" }),
            ConfigKey("model", "binning_rows", rule: "must be an integer ≥ 1",
                      meaning: "additive: from this many training rows on, fit on values moved to their cell's mean (a lookup per feature and row; knots from a 100,000-row sample)",
                      read: { r, c, k throws(ConfigError) in c.shapeSettings.binningRows = try r.int(k.name, default: ShapeSettings().binningRows, k.rule) { $0 >= 1 } },
                      write: { "\($0.shapeSettings.binningRows)" }),
            ConfigKey("model", "cells_per_interval", rule: "must be an integer from 2 to 1024",
                      meaning: "additive, binned fits: equal cells between consecutive knots",
                      read: { r, c, k throws(ConfigError) in c.shapeSettings.cellsPerInterval = try r.int(k.name, default: ShapeSettings().cellsPerInterval, k.rule) { (2...1024).contains($0) } },
                      write: { "\($0.shapeSettings.cellsPerInterval)" }),
            ConfigKey("model", "interactions", rule: "must be an integer from 0 to 20",
                      meaning: "additive: how many interactions to try, the strongest pairs a screen of the main-effects model's residuals finds (after any declared); they are kept only when cross-validation says they help",
                      read: { r, c, k throws(ConfigError) in c.interactions = try r.int(k.name, default: 10, k.rule) { (0...20).contains($0) } },
                      write: { "\($0.interactions)" }),
            ConfigKey("model", "monotone", rule: "must be true or false",
                      meaning: "enforce each feature's declared direction (docs/FEATURES.md for signals, `features.monotone` for tables): a worse signal never lowers the risk",
                      read: { r, c, k throws(ConfigError) in c.monotone = try r.bool(k.name, default: true) }, write: { "\($0.monotone)" }),
            ConfigKey("model", "l1_ratio", rule: "must be a number in [0, 1]", meaning: "elastic-net mix: 0 ridge, 1 lasso (sparse models)",
                      read: { r, c, k throws(ConfigError) in c.l1Ratio = try r.double(k.name, default: 0, k.rule) { (0...1).contains($0) } },
                      write: { "\($0.l1Ratio)" }),
            ConfigKey("model", "class_weight", rule: "must be one of none, balanced", meaning: "`balanced` weighs each class n / (2 nₖ)",
                      read: { r, c, k throws(ConfigError) in
                          c.classWeight = try r.choice(k.name, default: "none", from: ["none", "balanced"]) == "balanced" ? .balanced : .none
                      }, write: { $0.classWeight == .balanced ? "balanced" : "none" }),
            ConfigKey("model", "calibration", rule: "must be one of automatic, platt, beta, isotonic, none",
                      meaning: "probability calibration: beta (Kull et al. 2017), Platt, centred isotonic, or none; automatic is beta with ≥ 200 held-out rows and ≥ 20 per class, Platt otherwise",
                      read: { r, c, k throws(ConfigError) in
                          c.calibration = CalibrationMethod(
                              rawValue: try r.choice(k.name, default: "automatic", from: CalibrationMethod.allCases.map(\.rawValue)))!
                      }, write: { $0.calibration.rawValue }),
            ConfigKey("model", "calibration_fraction", rule: "must be a number in (0, 0.5]",
                      meaning: "the latest share of training snapshots (or table rows) held out to fit the calibration",
                      read: { r, c, k throws(ConfigError) in
                          c.calibrationFraction = try r.double(k.name, default: 0.2, k.rule) { $0 > 0 && $0 <= 0.5 }
                      }, write: { "\($0.calibrationFraction)" }),
            ConfigKey("model", "calibration_data", rule: "must be one of automatic, holdout, cross-fitted",
                      meaning: "the rows the calibration is fitted on: the latest `calibration_fraction` held out, or the out-of-fold predictions of the cross-validation fits (every row is then fitted on); automatic is cross-fitted for a table without a time column, held out otherwise",
                      read: { r, c, k throws(ConfigError) in
                          c.calibrationData = CalibrationData(rawValue: try r.choice(k.name, default: "automatic", from: CalibrationData.allCases.map(\.rawValue)))!
                      }, write: { $0.calibrationData.rawValue }),
            ConfigKey("model", "max_iterations", rule: "must be an integer from 1 to 10000", meaning: "solver iteration limit",
                      read: { r, c, k throws(ConfigError) in c.maxIterations = try r.int(k.name, default: 100, k.rule) { (1...10_000).contains($0) } },
                      write: { "\($0.maxIterations)" }),
            ConfigKey("model", "tolerance", rule: "must be a number from 1e-12 to 0.1", meaning: "solver tolerance on the relative gradient norm",
                      read: { r, c, k throws(ConfigError) in c.solverTolerance = try r.double(k.name, default: 1e-8, k.rule) { (1e-12...0.1).contains($0) } },
                      write: { "\($0.solverTolerance)" }),
        ]),
        ConfigSection(name: "evaluation", keys: [
            ConfigKey("evaluation", "capacity", rule: "must be an integer from 1 to 1000000",
                      meaning: "k of precision@k and recall@k: how many accounts (projects) the team can act on per cycle",
                      read: { r, c, k throws(ConfigError) in c.capacity = try r.int(k.name, default: 50, k.rule) { (1...1_000_000).contains($0) } },
                      write: { "\($0.capacity)" }),
            ConfigKey("evaluation", "risk_bands", rule: "must be two increasing probabilities in (0, 1)",
                      meaning: "the score files' `risk_band`: low below the first, medium up to the second, high from it",
                      read: { r, c, k throws(ConfigError) in
                          let cuts = try r.doubles(k.name, default: RiskBands.standard.cuts, k.rule, RiskBands.areValid)
                          c.riskBands = RiskBands(mediumFrom: cuts[0], highFrom: cuts[1])
                      }, write: { list($0.riskBands.cuts) }),
        ]),
    ]

    /// Every key, in reading order.
    static var keys: [ConfigKey] { sections.flatMap(\.keys) }

    /// Training/README.md's key table: key, default (per task where they differ), allowed
    /// values and meaning, one row per key.
    public static var keyTableMarkdown: String {
        let churn = TrainingConfig(task: .churn), overrun = TrainingConfig(task: .overrun)
        var out = "| key | default | allowed | meaning |\n|---|---|---|---|\n"
        for key in keys {
            let allowed = key.rule.hasPrefix("must be ") ? String(key.rule.dropFirst("must be ".count)) : key.rule
            let values = { (config: TrainingConfig) in key.write(config, key).map { "\($0.1)" } }
            var shown: String
            if key.name == "task" {
                shown = "—"
            } else if key.name == "engagement" {
                shown = key.write(churn, key).map { "`\($0.0.dropFirst(key.key.count + 1))`: \($0.1)" }.joined(separator: ", ")
            } else if values(churn) == values(overrun) {
                shown = "`\(values(churn).joined())`"
            } else {
                shown = "`\(values(churn).joined())` (churn), `\(values(overrun).joined())` (overrun)"
            }
            out += "| `\(key.key)` | \(shown) | \(allowed) | \(key.meaning) |\n"
        }
        return out
    }
}
