import Foundation
import VitalsFeatures
import VitalsSignals
import VitalsSimulation
import VitalsTestSupport

/// One simulated book shared by the feature tests: written once, read with the real reader.
final class SimulatedBook: @unchecked Sendable {
    static let config = SimulationConfig(accounts: 400, months: 24, seed: 77)

    let directory: TemporaryDirectory
    let signals: String
    let dataset: SignalsDataset
    let index: SignalsIndex

    private init() throws {
        directory = try TemporaryDirectory("features-book")
        signals = directory.path("signals")
        _ = try Simulator(config: Self.config).write(signalsDirectory: signals, truthDirectory: directory.path("truth"), overwrite: false)
        dataset = try SignalsReader().read(directory: signals).dataset
        index = SignalsIndex(dataset)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: SimulatedBook?

    static func shared() throws -> SimulatedBook {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let book = try SimulatedBook()
        cached = book
        return book
    }
}

/// CSV text as header + rows of fields (the simulator quotes names with commas, so split properly).
struct CSVText {
    var header: [String]
    var rows: [[String]]

    init(path: String) throws {
        let scanner = try CSVScanner(path: path)
        _ = try scanner.next()
        header = scanner.fields
        rows = []
        while try scanner.next() { rows.append(scanner.fields) }
    }

    func column(_ name: String) -> Int { header.firstIndex(of: name)! }

    func text() -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
