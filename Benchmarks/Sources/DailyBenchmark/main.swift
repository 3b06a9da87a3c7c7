import BenchmarkSupport
import Foundation
import VitalsFoundation
import VitalsSignals

// The daily run at scale: Vitals against pandas + scikit-learn, DuckDB and polars on the
// same generated books, in one invocation on one machine, on each form of every book (LF,
// CRLF, all-quoted CRLF, gzip). See Benchmarks/README.md.
//
//   DailyBenchmark --vitals PATH --python PATH --config FILE [--accounts 10000,30000,100000]
//                  [--forms lf,crlf,quoted,gzip] [--vitals-only-accounts N,…] [--vitals-only-forms lf]
//                  [--runs 3] [--pandas-runs 3] [--seed 42] [--data .data] [--peers pandas,duckdb,polars] [--peer-dir peers]
//
// --vitals-only-accounts: larger books scored by Vitals alone (the peers would take too long and
// too much memory), for the cost per account; their forms other than LF are derived for the run
// and deleted after it.

let usageText = """
    usage: DailyBenchmark --vitals PATH --python PATH --config FILE [--accounts N,N,…] [--forms lf,crlf,quoted,gzip]
                          [--vitals-only-accounts N,…] [--vitals-only-forms lf,…] [--runs N] [--pandas-runs N] [--seed N]
                          [--data DIR] [--peers pandas,duckdb,polars] [--peer-dir DIR]
    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

func option(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name) else { return nil }
    guard i + 1 < args.count else { fail("\(name) needs a value\n\(usageText)", status: 2) }
    return args[i + 1]
}

func sizeList(_ name: String, _ fallback: String) -> [Int] {
    let text = option(name) ?? fallback
    if text.isEmpty { return [] }
    let list = text.split(separator: ",").map { Int($0) }
    guard list.allSatisfy({ ($0 ?? 0) > 0 }) else { fail("\(name) needs whole numbers > 0, comma-separated", status: 2) }
    return Set(list.map { $0! }).sorted()
}

func formList(_ name: String, _ fallback: String) -> [BookForm] {
    let names = (option(name) ?? fallback).split(separator: ",").map(String.init).filter { !$0.isEmpty }
    let forms = names.map { name -> BookForm in
        guard let form = BookForm(rawValue: name) else { fail("unknown form \(name) (lf, crlf, quoted, gzip)", status: 2) }
        return form
    }
    return BookForm.allCases.filter(forms.contains)  // LF first: the other forms are compared with it
}

let known: Set = ["--accounts", "--runs", "--seed", "--data", "--vitals", "--python", "--config", "--peers", "--peer-dir",
                  "--forms", "--vitals-only-accounts", "--vitals-only-forms", "--pandas-runs"]
for arg in CommandLine.arguments.dropFirst() where arg.hasPrefix("--") && !known.contains(arg) {
    fail("unknown option \(arg)\n\(usageText)", status: 2)
}
let sizes = sizeList("--accounts", "10000,30000,100000")
guard !sizes.isEmpty else { fail("--accounts needs whole numbers > 0, comma-separated", status: 2) }
let vitalsOnlySizes = sizeList("--vitals-only-accounts", "")
guard Set(vitalsOnlySizes).isDisjoint(with: sizes) else { fail("--vitals-only-accounts repeats a size of --accounts", status: 2) }
let forms = formList("--forms", "lf,crlf,quoted,gzip")
let vitalsOnlyForms = formList("--vitals-only-forms", "lf")
guard !forms.isEmpty, !vitalsOnlyForms.isEmpty else { fail("--forms and --vitals-only-forms need at least one form", status: 2) }
let runs = Int(option("--runs") ?? "3") ?? 0
// pandas takes three minutes a run at 100,000 accounts, 40× the others: one run of it is enough
// for a ratio that far from every target, and saves about 25 minutes of a full run.
let pandasRuns = Int(option("--pandas-runs") ?? "\(runs)") ?? 0
let seed = UInt64(option("--seed") ?? "42") ?? 0
let dataRoot = option("--data") ?? ".data"
let peerDirectory = option("--peer-dir") ?? "peers"
let peers = (option("--peers") ?? "pandas,duckdb,polars").split(separator: ",").map(String.init).filter { !$0.isEmpty }
guard runs >= 1 else { fail("--runs needs a whole number ≥ 1", status: 2) }
guard pandasRuns >= 1 else { fail("--pandas-runs needs a whole number ≥ 1", status: 2) }
guard let vitalsOption = option("--vitals"), let pythonOption = option("--python"), let configOption = option("--config") else {
    fail("--vitals, --python and --config are required\n\(usageText)", status: 2)
}
let vitals = vitalsOption, python = pythonOption, config = configOption
for peer in peers where !["pandas", "duckdb", "polars"].contains(peer) { fail("unknown peer \(peer)", status: 2) }

do {
    try DailyBenchmark().run()
} catch {
    fail("DailyBenchmark: \(error)", status: 1)
}

/// Every figure one pipeline produced on one form of one book over `runs` runs.
struct PipelineFigures {
    let name: String
    var walls: [Double] = []
    var peaks: [Double] = []
    var stages: [[String: Double]] = []
    /// Largest |p_peer − p_vitals| over the scored accounts, and how many were compared.
    var maxDifference: Double?
    var compared = 0
    /// The form whose Vitals scores the probabilities were compared with (the same form, else LF).
    var comparedWith: BookForm?
    /// Why the pipeline did not finish on this form; its figures are then not used.
    var failure: String?

    init(name: String) { self.name = name }

    var ok: Bool { failure == nil && !walls.isEmpty }
    var wall: Double { median(walls) }
    var peak: Double { peaks.max() ?? 0 }
    func stage(_ name: String) -> Double { median(stages.map { $0[name] ?? 0 }) }

    /// The four stages every pipeline shares, whatever it calls its parts.
    var read: Double { name == "vitals" ? stage("read") : stage("read_usage") + stage("read_other") }
    var features: Double { name == "vitals" ? stage("index") + stage("features") : stage("features") }
    var score: Double { name == "vitals" ? stage("score") + stage("score_rows") : stage("score") }
    var write: Double { stage("write") }

    var json: [String: Any] {
        var out: [String: Any] = ["wall_seconds": walls, "median_wall_seconds": wall, "peak_rss_mb": peak,
                                  "stages": stages, "read": read, "features": features, "score": score, "write": write]
        if let maxDifference {
            out["max_probability_difference"] = maxDifference
            out["compared_rows"] = compared
            out["compared_with_form"] = comparedWith?.rawValue
        }
        if let failure { out["failure"] = failure }
        return out
    }
}

/// Vitals' in-process read of one form's accounts.csv + usage.csv, `runs` times.
struct IngestFigures {
    var seconds: [Double] = []
    /// usage.csv's bytes as read (for gzip, uncompressed) and on disk.
    var usageBytes = 0
    var usageDiskBytes = 0
    var failure: String?

    var ok: Bool { failure == nil && !seconds.isEmpty }
    var medianSeconds: Double { median(seconds) }
    var rate: Double { Double(usageBytes) / 1e6 / medianSeconds }
}

final class DailyBenchmark {
    let fm = FileManager.default
    var results: [String: Any] = [:]
    let scratch: String
    /// Accounts → form → pipeline → figures.
    var daily: [Int: [BookForm: [String: PipelineFigures]]] = [:]
    /// Accounts → form → the directory holding that form's score files from Vitals' last run.
    var savedScores: [Int: [BookForm: String]] = [:]
    /// Accounts → form → Vitals' probabilities by account.
    var vitalsProbabilities: [Int: [BookForm: [String: Double]]] = [:]
    /// Accounts → form → what `cmp` said of its score files against the LF form's.
    var scoreComparisons: [Int: [BookForm: String]] = [:]

    var scoreFiles: [String] { ["churn-scores-\(BookGenerator.lastDay).csv", "churn-scores-\(BookGenerator.lastDay).jsonl"] }

    init() {
        scratch = dataRoot + "/daily-scratch"
    }

    func run() throws {
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let started = isoNow(), clockStart = monotonicSeconds()
        print("Daily-run benchmark, \(started)")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpuModel()), load average \(loadAverage())")
        print("vitals: \(vitals); python: \(python); peers: \(peers.joined(separator: ", ")); \(runs) run(s) each"
              + (pandasRuns != runs && peers.contains("pandas") ? ", pandas \(pandasRuns)" : ""))
        print("forms: \(forms.map(\.label).joined(separator: ", "))"
            + (vitalsOnlySizes.isEmpty ? "" : "; Vitals alone at \(vitalsOnlySizes.map(grouped).joined(separator: ", ")) accounts "
                + "(\(vitalsOnlyForms.map(\.label).joined(separator: ", ")))") + "\n")
        results["machine"] = ["cores": ProcessInfo.processInfo.activeProcessorCount, "cpu": cpuModel(), "load_average_start": loadAverage()]
        results["started"] = started
        results["runs"] = runs
        results["pandas_runs"] = pandasRuns
        results["seed"] = seed
        results["forms"] = forms.map(\.rawValue)
        results["vitals_only"] = ["accounts": vitalsOnlySizes, "forms": vitalsOnlyForms.map(\.rawValue)]

        // The books: LF from the generator, the other forms rewritten from it, all cached.
        var lfBooks: [Int: String] = [:]
        var books: [Int: [BookForm: String]] = [:]
        var bookFacts: [String: Any] = [:]
        for n in sizes {
            let (directory, facts) = try ensureBook(accounts: n)
            lfBooks[n] = directory
            var formFacts: [String: Any] = ["lf": facts]
            for form in forms {
                if form == .lf { books[n, default: [:]][form] = directory; continue }
                let (formDirectory, files) = try ensureForm(form, accounts: n, from: directory)
                books[n, default: [:]][form] = formDirectory
                formFacts[form.rawValue] = files
            }
            bookFacts["\(n)"] = formFacts
        }
        for n in vitalsOnlySizes {
            let (directory, facts) = try ensureBook(accounts: n)
            lfBooks[n] = directory
            bookFacts["\(n)"] = ["lf": facts]
        }
        results["books"] = bookFacts
        let largest = sizes.last!

        // Training on the largest book the peers run on, LF form, once: snapshot building and the fit.
        let model = dataRoot + "/book-\(largest)-seed\(seed)/churn-bench.json"
        print("== training the churn model on the \(grouped(largest))-account book (LF) ==")
        let train = try runChecked([vitals, "train", lfBooks[largest]!, "--config", config, "--out", model, "--force", "--timings"],
                                   scratch: scratch)
        let trainStages = train.vitalsStages
        let trainRows = Self.firstNumber(after: " on ", in: train.stdout + train.stderr) ?? 0
        print("  \(fixed(train.seconds, 1)) s whole process, peak \(Int(train.peakMegabytes)) MB, \(grouped(trainRows)) training snapshots")
        print("  stages: " + trainStages.sorted { $0.key < $1.key }.map { "\($0.key) \(fixed($0.value, 2)) s" }.joined(separator: ", "))
        results["training"] = ["accounts": largest, "wall_seconds": train.seconds, "peak_rss_mb": train.peakMegabytes,
                               "stages": trainStages, "training_rows": trainRows]

        // The peers compute the same features as Vitals: checked cell by cell on the smallest book (LF).
        try checkFeatures(book: lfBooks[sizes[0]]!, model: model)

        // The daily run on every form of every book.
        for n in sizes {
            for form in forms {
                print("\n== daily run, \(grouped(n)) accounts, \(form.label) form (as of \(BookGenerator.lastDay)) ==")
                let directory = books[n]![form]!
                var figures: [String: PipelineFigures] = [:]
                figures["vitals"] = try dailyVitals(book: directory, accounts: n, form: form, model: model)
                for peer in peers {
                    figures[peer] = try dailyPeer(peer, book: directory, accounts: n, form: form, model: model)
                }
                daily[n, default: [:]][form] = figures
                printDailyTable(figures, accounts: n, form: form, pipelines: ["vitals"] + peers)
            }
            try compareScoreFiles(accounts: n, forms: forms)
        }

        // Vitals alone on the larger books. Their forms other than LF are written for the run and
        // deleted after it: at 1,000,000 accounts each form is more than 10 GB.
        for n in vitalsOnlySizes {
            for form in vitalsOnlyForms {
                var directory = lfBooks[n]!
                if form != .lf {
                    directory = dataRoot + "/book-\(n)-seed\(seed)/" + form.directoryName
                    try? fm.removeItem(atPath: dataRoot + "/book-\(n)-seed\(seed)/" + form.markerName)
                    let start = monotonicSeconds()
                    let files = try form.derive(from: lfBooks[n]!, into: directory)
                    print("book: \(grouped(n)) accounts, \(form.label) form written for this run in \(directory): "
                        + "\(fixed(monotonicSeconds() - start, 1)) s, \(megabytes(files.map(\.bytes).reduce(0, +))) MB")
                }
                print("\n== daily run, \(grouped(n)) accounts, \(form.label) form, Vitals alone (as of \(BookGenerator.lastDay)) ==")
                let figures = ["vitals": try dailyVitals(book: directory, accounts: n, form: form, model: model)]
                daily[n, default: [:]][form] = figures
                printDailyTable(figures, accounts: n, form: form, pipelines: ["vitals"])
                if form != .lf {
                    try fm.removeItem(atPath: directory)
                    print("  removed \(directory)")
                }
            }
            try compareScoreFiles(accounts: n, forms: vitalsOnlyForms)
        }

        // Ingest: Vitals' read of accounts.csv and usage.csv, in this process, on every form of the
        // largest book. Last, after every child process: a child's peak RSS (from wait4) starts at
        // this process's RSS when it is spawned.
        var ingest: [BookForm: IngestFigures] = [:]
        for form in forms {
            let directory = books[largest]![form]!
            var figures = IngestFigures()
            figures.usageDiskBytes = (try? fileSize(directory + "/" + form.fileName("usage.csv"))) ?? 0
            figures.usageBytes = (try? fileSize((form == .gzip ? lfBooks[largest]! : directory) + "/usage.csv")) ?? 0
            do { figures.seconds = try ingestVitals(book: directory, form: form) } catch { figures.failure = oneLine(error) }
            ingest[form] = figures
        }
        printIngest(ingest, accounts: largest)
        printSummary(ingest, accounts: largest)
        printScaling()

        var dailyJSON: [String: Any] = [:]
        for (n, byForm) in daily {
            var formsJSON: [String: Any] = [:]
            for (form, figures) in byForm { formsJSON[form.rawValue] = figures.mapValues(\.json) }
            dailyJSON["\(n)"] = formsJSON
        }
        results["daily"] = dailyJSON
        var ingestJSON: [String: Any] = ["accounts": largest]
        for (form, f) in ingest {
            var entry: [String: Any] = ["usage_bytes": f.usageBytes, "usage_disk_bytes": f.usageDiskBytes, "vitals_seconds": f.seconds]
            if f.ok { entry["vitals_mb_per_s"] = f.rate }
            if let failure = f.failure { entry["vitals_failure"] = failure }
            for peer in peers {
                guard let p = daily[largest]?[form]?[peer], p.ok else { continue }
                entry["\(peer)_seconds"] = p.stages.map { $0["read_usage"] ?? 0 }
                entry["\(peer)_mb_per_s"] = Double(f.usageBytes) / 1e6 / p.stage("read_usage")
            }
            ingestJSON[form.rawValue] = entry
        }
        results["ingest"] = ingestJSON
        var comparisonJSON: [String: Any] = [:]
        for (n, byForm) in scoreComparisons {
            comparisonJSON["\(n)"] = Dictionary(uniqueKeysWithValues: byForm.map { ($0.key.rawValue, $0.value) })
        }
        results["score_files_against_lf"] = comparisonJSON

        printTargets(ingest, accounts: largest, training: train)
        results["finished"] = isoNow()

        let path = dataRoot + "/daily-results.json"
        let data = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
        print("\nwrote \(path); \(fixed(monotonicSeconds() - clockStart, 0)) s in all")
    }

    // MARK: the books

    /// Generates the LF book for `n` accounts unless a complete one is cached.
    func ensureBook(accounts n: Int) throws -> (String, [String: Any]) {
        let root = dataRoot + "/book-\(n)-seed\(seed)"
        let signals = root + "/" + BookForm.lf.directoryName, marker = root + "/book.json"
        if let data = fm.contents(atPath: marker), let facts = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           facts["generator"] as? Int == BookGenerator.version {
            print("book: \(grouped(n)) accounts, cached in \(signals)")
            return (signals, facts)
        }
        try? fm.removeItem(atPath: root)  // the forms derived from an older book go with it
        try fm.createDirectory(atPath: signals, withIntermediateDirectories: true)
        print("book: generating \(grouped(n)) accounts in \(signals) …")
        let start = monotonicSeconds()
        let size = try BookGenerator.write(directory: signals, accounts: n, seed: seed)
        print("  \(fixed(monotonicSeconds() - start, 1)) s: \(size)")
        var facts: [String: Any] = ["accounts": n, "seed": seed, "generator": BookGenerator.version]
        for f in size.files { facts[f.name] = ["bytes": f.bytes, "rows": f.rows] }
        let data = try JSONSerialization.data(withJSONObject: facts, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: marker))  // written last: its presence marks a complete book
        return (signals, facts)
    }

    /// Rewrites the LF book `lf` in `form` unless a complete one, from the same generator, is cached.
    func ensureForm(_ form: BookForm, accounts n: Int, from lf: String) throws -> (String, [String: Any]) {
        let root = dataRoot + "/book-\(n)-seed\(seed)"
        let directory = root + "/" + form.directoryName, marker = root + "/" + form.markerName
        if let data = fm.contents(atPath: marker), let facts = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           facts["generator"] as? Int == BookGenerator.version, facts["form_version"] as? Int == BookForm.version,
           fm.fileExists(atPath: directory) {
            print("book: \(grouped(n)) accounts, \(form.label) form cached in \(directory)")
            return (directory, facts)
        }
        try? fm.removeItem(atPath: marker)
        print("book: \(grouped(n)) accounts, writing the \(form.label) form in \(directory) from the LF book …")
        let start = monotonicSeconds()
        let files = try form.derive(from: lf, into: directory)
        let total = files.map(\.bytes).reduce(0, +)
        let usage = files.first { $0.name.hasPrefix("usage.csv") }?.bytes ?? 0
        print("  \(fixed(monotonicSeconds() - start, 1)) s: \(megabytes(total)) MB in all, usage \(megabytes(usage)) MB")
        var facts: [String: Any] = ["accounts": n, "seed": seed, "generator": BookGenerator.version,
                                    "form": form.rawValue, "form_version": BookForm.version]
        for f in files { facts[f.name] = ["bytes": f.bytes] }
        let data = try JSONSerialization.data(withJSONObject: facts, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: marker))  // written last: its presence marks a complete form
        return (directory, facts)
    }

    // MARK: the pipelines

    /// Reads `path` to its end, discarding the bytes (to bring it into the page cache).
    func readThrough(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchmarkError("cannot open \(path)") }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 8 << 20), !chunk.isEmpty {}
    }

    /// `SignalsReader` on a directory holding only the form's accounts and usage files.
    func ingestVitals(book: String, form: BookForm) throws -> [Double] {
        let only = scratch + "/usage-only"
        try? fm.removeItem(atPath: only)
        try fm.createDirectory(atPath: only, withIntermediateDirectories: true)
        let base = book.hasPrefix("/") ? book : fm.currentDirectoryPath + "/" + book
        for file in ["accounts.csv", "usage.csv"].map(form.fileName) {
            try fm.createSymbolicLink(atPath: only + "/" + file, withDestinationPath: base + "/" + file)
        }
        // One untimed pass over the two files first: the peers' reads are timed inside their daily
        // runs, on a book the runs before had brought into the page cache, and this ingest comes
        // after the 1,000,000-account run, which pushes the smaller books out of it (the first
        // two LF reads took 2.16 s from disk, the third 1.38 s).
        for file in ["accounts.csv", "usage.csv"].map(form.fileName) { try readThrough(base + "/" + file) }
        var seconds: [Double] = []
        for _ in 0..<runs {
            let start = monotonicSeconds()
            let result = try SignalsReader().read(directory: only)
            seconds.append(monotonicSeconds() - start)
            guard (result.dataset.usage?.count ?? 0) > 0 else { throw BenchmarkError("the typed read kept no usage rows") }
        }
        return seconds
    }

    /// Runs `vitals score` `runs` times; keeps the score files and probabilities of the last run.
    /// A failure is recorded in the figures, not thrown: the other forms still run.
    func dailyVitals(book: String, accounts n: Int, form: BookForm, model: String) throws -> PipelineFigures {
        var f = PipelineFigures(name: "vitals")
        let out = scratch + "/vitals-scores"
        do {
            for _ in 0..<runs {
                try? fm.removeItem(atPath: out)
                let run = try runChecked([vitals, "score", book, "--model", model, "--as-of", "\(BookGenerator.lastDay)", "--out", out,
                                          "--no-history", "--timings", "--quiet"], scratch: scratch)
                f.walls.append(run.seconds)
                f.peaks.append(run.peakMegabytes)
                f.stages.append(run.vitalsStages)
            }
            let kept = scratch + "/scores-\(n)-\(form.rawValue)"
            try? fm.removeItem(atPath: kept)
            try fm.moveItem(atPath: out, toPath: kept)
            savedScores[n, default: [:]][form] = kept
            vitalsProbabilities[n, default: [:]][form] = try readScores(kept + "/" + scoreFiles[0], column: "churn_probability")
        } catch {
            f.failure = oneLine(error)
        }
        return f
    }

    func dailyPeer(_ peer: String, book: String, accounts n: Int, form: BookForm, model: String) throws -> PipelineFigures {
        var f = PipelineFigures(name: peer)
        let out = scratch + "/\(peer)-scores.csv"
        do {
            for _ in 0..<(peer == "pandas" ? pandasRuns : runs) {
                try? fm.removeItem(atPath: out)
                let run = try runChecked([python, "\(peerDirectory)/daily_\(peer).py", "--signals", book, "--model", model,
                                          "--as-of", "\(BookGenerator.lastDay)", "--out", out], scratch: scratch)
                guard let line = run.stdout.split(separator: "\n").last,
                      let report = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let stages = report["stages"] as? [String: Double]
                else { throw BenchmarkError("no JSON report on stdout: \(run.stdout.suffix(300))") }
                f.walls.append(run.seconds)
                f.peaks.append(run.peakMegabytes)
                f.stages.append(stages)
                results["versions_\(peer)"] = report["versions"]
            }
            let scores = try readScores(out, column: "churn_probability")
            // Against Vitals on the same form; when Vitals failed on it, against Vitals on LF (the same records).
            let against: BookForm? = vitalsProbabilities[n]?[form] != nil ? form : vitalsProbabilities[n]?[.lf] != nil ? .lf : nil
            if let against, let reference = vitalsProbabilities[n]?[against] {
                f.comparedWith = against
                guard Set(scores.keys) == Set(reference.keys) else {
                    throw BenchmarkError("scored \(grouped(scores.count)) accounts, Vitals (\(against.label)) \(grouped(reference.count)): not the same set")
                }
                let difference = scores.map { abs($0.value - reference[$0.key]!) }.max() ?? 0
                f.maxDifference = difference
                f.compared = scores.count
                guard difference <= 1e-6 else {
                    throw BenchmarkError("probabilities differ from Vitals' (\(against.label)) by up to \(String(format: "%.2e", difference))")
                }
            }
        } catch {
            f.failure = oneLine(error)
        }
        return f
    }

    /// `cmp` of each form's score files against the LF form's, for one book.
    func compareScoreFiles(accounts n: Int, forms: [BookForm]) throws {
        let others = forms.filter { $0 != .lf }
        guard !others.isEmpty else { return }
        print("\nVitals' score files across forms, \(grouped(n)) accounts (cmp against the LF form's):")
        guard let reference = savedScores[n]?[.lf] else {
            print("  no LF score files to compare with (Vitals failed on LF, or LF was not run)")
            for form in others { scoreComparisons[n, default: [:]][form] = "not compared: no LF score files" }
            return
        }
        let cmp = executableOnPath("cmp") ?? "/usr/bin/cmp"
        for form in others {
            guard let directory = savedScores[n]?[form] else {
                print("  \(form.label): no score files (Vitals failed on this form)")
                scoreComparisons[n, default: [:]][form] = "Vitals failed"
                continue
            }
            var verdicts: [String] = []
            for file in scoreFiles {
                let run = try runChild([cmp, reference + "/" + file, directory + "/" + file], scratch: scratch)
                let said = (run.stdout + run.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
                let verdict = run.status == 0 ? "identical" : said.isEmpty ? "cmp exited \(run.status)" : said
                print("  cmp \(reference)/\(file) \(directory)/\(file): \(verdict)")
                verdicts.append(verdict)
            }
            scoreComparisons[n, default: [:]][form] = verdicts.allSatisfy { $0 == "identical" } ? "identical" : verdicts.joined(separator: "; ")
        }
    }

    /// Runs `vitals features --as-of` and each peer with `--features-out`, and compares the tables.
    func checkFeatures(book: String, model: String) throws {
        guard !peers.isEmpty else { return }
        print("\n== the peers' features against `vitals features` (\(book)) ==")
        let reference = scratch + "/vitals-features.csv"
        _ = try runChecked([vitals, "features", book, "--as-of", "\(BookGenerator.lastDay)", "--out", reference, "--force", "--quiet"],
                           scratch: scratch)
        var checks: [String: Any] = [:]
        for peer in peers {
            let table = scratch + "/\(peer)-features.csv"
            _ = try runChecked([python, "\(peerDirectory)/daily_\(peer).py", "--signals", book, "--model", model,
                                "--as-of", "\(BookGenerator.lastDay)", "--out", scratch + "/\(peer)-check.csv", "--features-out", table],
                               scratch: scratch)
            let run = try runChild([python, "\(peerDirectory)/compare_features.py", reference, table], scratch: scratch)
            let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
            print("  \(peerLabel(peer)): \(line)")
            guard run.status == 0 else { throw BenchmarkError("\(peer) computes different features from Vitals:\n\(line)\n\(run.stderr)") }
            checks[peer] = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) ?? line
        }
        results["feature_checks"] = checks
    }

    /// id → probability from a score CSV (the first column is the id).
    func readScores(_ path: String, column: String) throws -> [String: Double] {
        let scanner = try CSVScanner(path: path)
        guard try scanner.next(), let k = scanner.fields.firstIndex(of: column) else {
            throw BenchmarkError("\(path): no \(column) column")
        }
        var scores: [String: Double] = [:]
        while try scanner.next() {
            guard let p = Double(scanner.string(k)) else { throw BenchmarkError("\(path): line \(scanner.recordLine): bad probability") }
            scores[scanner.string(0)] = p
        }
        return scores
    }

    // MARK: output

    func printDailyTable(_ figures: [String: PipelineFigures], accounts n: Int, form: BookForm, pipelines: [String]) {
        let vitals = figures["vitals"].flatMap { $0.ok ? $0 : nil }
        print("| pipeline | whole process s | read s | features s | score s | write s | peak RSS MB | µs/account | Vitals ÷ pipeline | max Δp vs Vitals |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name in pipelines {
            guard let f = figures[name] else { continue }
            guard f.ok else {
                print("| \(peerLabel(name)) | FAILED: \(f.failure ?? "no run") |" + String(repeating: " – |", count: 8))
                continue
            }
            var difference = f.maxDifference.map { String(format: "%.1e", $0) + " (\(grouped(f.compared)))" } ?? "–"
            if let against = f.comparedWith, against != form { difference += " vs \(against.label)" }
            let ratio = vitals.map { fixed($0.wall / f.wall, 3) } ?? "–"
            print("| \(peerLabel(name)) | \(fixed(f.wall, 3)) | \(fixed(f.read, 3)) | \(fixed(f.features, 3)) | \(fixed(f.score, 3)) | "
                + "\(fixed(f.write, 3)) | \(Int(f.peak.rounded())) | \(fixed(f.wall / Double(n) * 1e6, 1)) | \(ratio) | \(difference) |")
        }
        for name in pipelines {
            guard let f = figures[name], !f.walls.isEmpty else { continue }
            print("  \(name) runs (s): " + f.walls.map { fixed($0, 3) }.joined(separator: ", "))
        }
    }

    func printIngest(_ ingest: [BookForm: IngestFigures], accounts n: Int) {
        print("\n== ingest, \(grouped(n))-account book: Vitals' read of accounts.csv + usage.csv against each peer's read of usage.csv, median of \(runs)\(pandasRuns != runs ? " (pandas: \(pandasRuns))" : "") ==")
        print("MB/s over usage.csv as read (for gzip, its uncompressed bytes), so the ratio compares the two times on the same records")
        print("| form | usage.csv MB (on disk) | reader | seconds | MB/s | Vitals ÷ reader (throughput) |")
        print("|---|---:|---|---:|---:|---:|")
        for form in forms {
            guard let v = ingest[form] else { continue }
            let size = "\(megabytes(v.usageBytes)) (\(megabytes(v.usageDiskBytes)))"
            if v.ok {
                print("| \(form.label) | \(size) | Vitals `SignalsReader` (accounts + usage, typed, validated) | \(fixed(v.medianSeconds, 3)) | \(fixed(v.rate, 1)) | 1.00 |")
            } else {
                print("| \(form.label) | \(size) | Vitals `SignalsReader` | FAILED: \(v.failure ?? "no run") | – | – |")
            }
            for peer in peers {
                guard let p = daily[n]?[form]?[peer] else { continue }
                guard p.ok else { print("| \(form.label) | | \(peerLabel(peer)) read of usage | FAILED | – | – |"); continue }
                let seconds = p.stage("read_usage"), rate = Double(v.usageBytes) / 1e6 / seconds
                print("| \(form.label) | | \(peerLabel(peer)) read of usage | \(fixed(seconds, 3)) | \(fixed(rate, 1)) | "
                    + "\(v.ok ? fixed(v.rate / rate, 2) : "–") |")
            }
        }
    }

    func printSummary(_ ingest: [BookForm: IngestFigures], accounts n: Int) {
        print("\n== summary of ratios, \(grouped(n)) accounts (one run of this benchmark) ==")
        print("read = Vitals' in-process read of accounts.csv + usage.csv; daily = whole `vitals score` process; "
            + "ingest = Vitals' read throughput ÷ the peer's read of usage.csv")
        let lfRead = ingest[.lf].flatMap { $0.ok ? $0.medianSeconds : nil }
        var header = "| form | Vitals read s | read ÷ LF read | Vitals daily s |"
        var rule = "|---|---:|---:|---:|"
        for peer in peers { header += " daily ÷ \(peerLabel(peer)) |"; rule += "---:|" }
        for peer in peers { header += " ingest ÷ \(peerLabel(peer)) |"; rule += "---:|" }
        print(header + " score files vs LF |")
        print(rule + "---|")
        for form in forms {
            let read = ingest[form].flatMap { $0.ok ? $0 : nil }
            let v = daily[n]?[form]?["vitals"].flatMap { $0.ok ? $0 : nil }
            var row = "| \(form.label) | \(read.map { fixed($0.medianSeconds, 3) } ?? "failed") | "
            row += (read.flatMap { r in lfRead.map { fixed(r.medianSeconds / $0, 3) } } ?? "–") + " | "
            row += (v.map { fixed($0.wall, 3) } ?? "failed") + " |"
            for peer in peers {
                let p = daily[n]?[form]?[peer].flatMap { $0.ok ? $0 : nil }
                row += " " + (v.flatMap { v in p.map { fixed(v.wall / $0.wall, 3) } } ?? "–") + " |"
            }
            for peer in peers {
                let p = daily[n]?[form]?[peer].flatMap { $0.ok ? $0 : nil }
                row += " " + (read.flatMap { r in p.map { fixed($0.stage("read_usage") / r.medianSeconds, 2) } } ?? "–") + " |"
            }
            let comparison = form == .lf ? "(reference)" : scoreComparisons[n]?[form] ?? "–"
            print(row + " \(comparison) |")
        }
    }

    func printScaling() {
        print("\n== scaling: whole-process time per account ==")
        let names = ["vitals"] + peers
        print("| accounts | form | " + names.map { "\(peerLabel($0)) s | µs/account" }.joined(separator: " | ") + " |")
        print("|---:|---|" + String(repeating: "---:|---:|", count: names.count))
        for n in daily.keys.sorted() {
            for form in BookForm.allCases {
                guard let figures = daily[n]?[form] else { continue }
                let cells = names.map { name -> String in
                    guard let f = figures[name], f.ok else { return figures[name] == nil ? "– | –" : "failed | –" }
                    return "\(fixed(f.wall, 2)) | \(fixed(f.wall / Double(n) * 1e6, 1))"
                }
                print("| \(grouped(n)) | \(form.label) | " + cells.joined(separator: " | ") + " |")
            }
        }
    }

    func printTargets(_ ingest: [BookForm: IngestFigures], accounts largest: Int, training train: ChildRun) {
        var targets: [[String: Any]] = []
        func target(_ name: String, _ value: Double?, _ limit: Double, atMost: Bool, _ unit: String, missing: @autoclosure () -> String) {
            let bound = "\(atMost ? "≤" : "≥") \(fixed(limit, 2))\(unit)"
            guard let value else {
                let reason = missing()
                print("- \(name): not measured, \(reason) (\(bound)) NOT MET")
                targets.append(["target": name, "limit": limit, "met": false, "not_measured": reason])
                return
            }
            let met = atMost ? value <= limit : value >= limit
            print("- \(name): \(fixed(value, 3))\(unit) (\(bound)) \(met ? "MET" : "NOT MET")")
            targets.append(["target": name, "value": value, "limit": limit, "met": met])
        }
        func readSeconds(_ form: BookForm) -> Double? { ingest[form].flatMap { $0.ok ? $0.medianSeconds : nil } }
        func why(_ form: BookForm) -> String {
            guard forms.contains(form) else { return "the \(form.label) form was not run" }
            return ingest[form]?.failure.map { "Vitals' read of the \(form.label) form failed: \($0)" } ?? "no figure"
        }
        func vitalsRun(_ n: Int, _ form: BookForm) -> PipelineFigures? { daily[n]?[form]?["vitals"].flatMap { $0.ok ? $0 : nil } }
        func pipelineWhy(_ n: Int, _ form: BookForm, _ names: [String]) -> String {
            guard daily[n]?[form] != nil else { return "the \(form.label) form was not run at \(grouped(n)) accounts" }
            for name in names {
                guard let f = daily[n]?[form]?[name] else { return "\(peerLabel(name)) was not run" }
                if let failure = f.failure { return "\(peerLabel(name)) failed on the \(form.label) form: \(failure)" }
            }
            return "no figure"
        }

        print("\n== targets (issue 20, items 3 and 4): \(grouped(largest)) accounts, from this run ==")
        let lf = readSeconds(.lf)
        for (form, limit) in [(BookForm.crlf, 1.15), (.quoted, 1.4), (.gzip, 2.0)] {
            target("Vitals' read of accounts.csv + usage.csv, \(form.label) ÷ LF",
                   readSeconds(form).flatMap { r in lf.map { r / $0 } }, limit, atMost: true, "×",
                   missing: lf == nil ? why(.lf) : why(form))
        }
        let crlfVitals = vitalsRun(largest, .crlf)
        for (peer, limit) in [("pandas", 0.1), ("duckdb", 0.4), ("polars", 0.4)] {
            let p = daily[largest]?[.crlf]?[peer].flatMap { $0.ok ? $0 : nil }
            target("daily run on the CRLF form, Vitals ÷ \(peerLabel(peer))", crlfVitals.flatMap { v in p.map { v.wall / $0.wall } },
                   limit, atMost: true, "×", missing: pipelineWhy(largest, .crlf, ["vitals", peer]))
        }
        for form in BookForm.allCases {
            let d = daily[largest]?[form]?["duckdb"].flatMap { $0.ok ? $0 : nil }
            let ratio = readSeconds(form).flatMap { r in d.map { $0.stage("read_usage") / r } }
            target("ingest throughput on the \(form.label) form, Vitals ÷ DuckDB read_csv", ratio, 2.0, atMost: false, "×",
                   missing: readSeconds(form) == nil ? why(form) : pipelineWhy(largest, form, ["duckdb"]))
        }
        if let big = vitalsOnlySizes.last {
            for form in vitalsOnlyForms {
                let ratio = vitalsRun(big, form).flatMap { b in vitalsRun(largest, form).map { (b.wall / Double(big)) / ($0.wall / Double(largest)) } }
                target("cost per account, \(grouped(big)) ÷ \(grouped(largest)) (\(form.label), whole vitals score process)", ratio, 1.2,
                       atMost: true, "×", missing: vitalsRun(big, form) == nil ? pipelineWhy(big, form, ["vitals"]) : pipelineWhy(largest, form, ["vitals"]))
            }
        } else {
            target("cost per account, 1,000,000 ÷ \(grouped(largest))", nil, 1.2, atMost: true, "×",
                   missing: "no Vitals-only size (--vitals-only-accounts 1000000; VITALS_ONLY_ACCOUNTS=1000000 in make)")
        }
        // Item 3's memory: peaks from wait4 (KiB), said in GB of 10⁹ bytes, the stricter reading.
        func gigabytes(_ mebibytes: Double) -> Double { mebibytes * 1_048_576 / 1e9 }
        let lfVitals = vitalsRun(largest, .lf)
        target("peak resident memory of vitals score at \(grouped(largest)) accounts (LF, the largest of its runs)",
               lfVitals.flatMap { $0.peaks.max() }.map(gigabytes), 1.2, atMost: true, " GB", missing: pipelineWhy(largest, .lf, ["vitals"]))
        target("peak resident memory of vitals train at \(grouped(largest)) accounts (this benchmark's model, snapshots included)",
               gigabytes(train.peakMegabytes), 2.0, atMost: true, " GB", missing: "")
        // Vitals' score files, byte for byte the same on every form.
        let compared = scoreComparisons.keys.sorted().flatMap { n in
            BookForm.allCases.compactMap { form in scoreComparisons[n]![form].map { "\(grouped(n)) \(form.rawValue): \($0)" } }
        }
        let identical = !compared.isEmpty && scoreComparisons.values.allSatisfy { $0.values.allSatisfy { $0 == "identical" } }
        if compared.isEmpty {
            print("- Vitals' score files identical across forms (cmp): not measured, only one form was run NOT MET")
        } else {
            print("- Vitals' score files identical across forms (cmp against LF): \(compared.joined(separator: "; ")) \(identical ? "MET" : "NOT MET")")
        }
        targets.append(["target": "score files identical across forms", "met": identical, "comparisons": compared])

        if let v = vitalsRun(largest, .lf) {
            print("\n== the earlier targets (issue 8), LF form ==")
            let smallest = sizes.first!
            if let p = daily[largest]?[.lf]?["pandas"], p.ok {
                target("daily run, Vitals ÷ pandas+scikit-learn", v.wall / p.wall, 0.2, atMost: true, "×", missing: "")
                target("peak memory, Vitals ÷ pandas+scikit-learn", v.peak / p.peak, 0.5, atMost: true, "×", missing: "")
            }
            if let d = daily[largest]?[.lf]?["duckdb"], d.ok { target("daily run, Vitals ÷ DuckDB", v.wall / d.wall, 0.5, atMost: true, "×", missing: "") }
            if smallest != largest, let s = vitalsRun(smallest, .lf) {
                target("time per account, \(grouped(largest)) ÷ \(grouped(smallest))", (v.wall / Double(largest)) / (s.wall / Double(smallest)),
                       1.2, atMost: true, "×", missing: "")
            }
        }
        target("training on the \(grouped(largest))-account book, snapshots included (whole process)", train.seconds, 60, atMost: true, " s",
               missing: "")
        results["targets"] = targets
    }

    func peerLabel(_ name: String) -> String {
        switch name {
        case "vitals": return "Vitals"
        case "pandas": return "pandas + scikit-learn"
        case "duckdb": return "DuckDB"
        case "polars": return "polars"
        default: return name
        }
    }

    static func firstNumber(after marker: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("trained ") {
            guard let range = line.range(of: marker) else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }
}

/// An error as one line for a table: a child's status and last line of stderr, else the first line.
func oneLine(_ error: Error) -> String {
    if let failure = error as? ChildFailure { return failure.summary }
    let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    return String(text.prefix(240))
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func fixed(_ x: Double, _ places: Int) -> String { String(format: "%.\(places)f", x) }
func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1e6, 1) }
func isoNow() -> String { ISO8601DateFormatter().string(from: Date()) }
func fileSize(_ path: String) throws -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { throw BenchmarkError("\(path): \(String(cString: strerror(errno)))") }
    return Int(info.st_size)
}

/// 12345678 → "12,345,678".
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = n < 0 ? "-" : ""
    for (k, c) in digits.enumerated() {
        if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}
