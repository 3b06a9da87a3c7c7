import Foundation
import ArgumentParser
import VitalsAlerts
import VitalsFoundation
import VitalsHistory

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Alert events from a change in health since the history's previous run, to a file or a webhook.",
        discussion: """
            Scores the book as of --as-of with the model (as at-risk and projects do), compares it with the score \
            history's previous runs and emits one event per change: entered_high_band, renewal_at_risk, \
            probability_rose and stayed_high for a churn model; overrun_entered_high_band, late_entered_high_band, \
            probability_rose and stayed_high for an overrun model. Thresholds come from --config (an alerts YAML \
            file; every key has a default). Events go to --out as JSON lines, else to the terminal one line each; \
            --webhook POSTs each one (Idempotency-Key: its id), retries connection errors, timeouts and 5xx, and \
            records every delivered id in the history so a rerun never sends it again. --dry-run prints what would \
            be delivered and writes nothing, sends nothing, records nothing.
            Exit codes: 0 done (every event delivered, or nothing to deliver); 64 usage; 65 bad data or model file; \
            66 input or history unreadable; 73 --out cannot be written; 75 the history stayed locked; 78 the \
            alerts config is invalid; 79 some deliveries failed; 69 every attempted delivery failed.
            """
    )

    @OptionGroup var input: SignalsInputOptions

    @Option(help: "The score history that `vitals score` appends to; the events compare with its previous runs.")
    var history: String

    @Option(help: "The alerts config (YAML): thresholds and webhook timeouts (default: the built-in defaults).")
    var config: String?

    @Option(help: ArgumentHelp("Write the events here as JSON lines, whole or not at all.", valueName: "FILE.jsonl"))
    var out: String?

    @Option(help: "POST each event not yet delivered to this http(s) URL, and record it in the history.")
    var webhook: String?

    @Flag(help: "Print what would be delivered; send, write and record nothing.")
    var dryRun = false

    func validate() throws {
        if let webhook {
            guard let url = URL(string: webhook), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
                throw ValidationError("--webhook must be an http:// or https:// URL, got \(webhook)")
            }
        }
    }

    func run() throws {
        let settings: AlertsConfig = try runReporting {
            guard let config else { return .standard }
            return try AlertsConfig.load(path: config)
        }
        let report = try input.run { scoring in try AlertsRequest(input: scoring, historyPath: history, config: settings).run() }

        if dryRun {
            guard let webhook else {
                print("dry run: nothing written" + (out.map { " to \(TerminalText.escaped($0))" } ?? "") + ", sent or recorded")
                print(report.summary(), terminator: "")
                return
            }
            let pending = try runReporting { try WebhookDelivery.pending(report.events, ledger: try ScoreHistory(path: history, access: .read)) }
            print("dry run: would deliver \(pending.count) of \(report.events.count) events to \(TerminalText.escaped(webhook)) "
                  + "(\(report.events.count - pending.count) delivered before); nothing sent")
            print(report.summary(events: pending), terminator: "")
            return
        }

        if let out {
            try ensureParentDirectory(out)
            try runReporting { try AtomicFile.write(try AlertEvent.jsonLines(report.events), to: out) }
            printError("\(report.events.count) \(report.task.rawValue) alert\(report.events.count == 1 ? "" : "s") as of \(report.asOf) written to \(out)")
        } else {
            print(report.summary(), terminator: "")
        }

        guard let webhook, let url = URL(string: webhook) else { return }
        let delivery = WebhookDelivery(url: url, policy: settings.webhook)
        let result = try runReporting {
            try delivery.deliver(report.events, ledger: try ScoreHistory(path: history, access: .write), progress: { event, outcome in
                if case let .failed(reason, _) = outcome {
                    printError("error: event \(event.id) (\(event.kind.rawValue) \(event.projectID ?? event.accountID)) not delivered: \(reason)")
                }
            })
        }
        printError("webhook: \(result.delivered) delivered, \(result.alreadyDelivered) delivered before, \(result.failed) failed")
        if result.failed > 0 { throw result.delivered == 0 ? VitalsExitCode.deliveryFailed : VitalsExitCode.someDeliveriesFailed }
    }
}
