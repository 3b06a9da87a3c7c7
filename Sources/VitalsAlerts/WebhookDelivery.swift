import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VitalsHistory

/// Delivers alert events to a webhook, one HTTP POST per event, through Foundation's
/// URLSession, and records each delivered id in the score history's ledger.
///
/// - Body: the event's JSON (`AlertEvent.json()`), `Content-Type: application/json`, and an
///   `Idempotency-Key: <event id>` header.
/// - Each request may take `timeoutSeconds`. A connection error, a timeout or a 5xx answer
///   is retried after `backoffSeconds`, doubled before each next retry, up to `maxAttempts`
///   attempts in all; a 4xx answer (or any other non-2xx) is not retried: the receiver refused the event.
/// - Ids already in the ledger are not sent again, across reruns. Each 2xx is committed to
///   the ledger in its own transaction before the next event goes, so an interruption loses
///   no recorded delivery.
/// - What remains: a crash between the receiver's 2xx and that commit leaves the event
///   unrecorded, and the next run delivers it again; the `Idempotency-Key` lets the receiver
///   drop that repeat. Delivery is at least once, not exactly once.
public struct WebhookDelivery: Sendable {
    public let url: URL
    public let policy: AlertsConfig.Webhook

    public init(url: URL, policy: AlertsConfig.Webhook) {
        self.url = url
        self.policy = policy
    }

    /// What happened to one event.
    public enum Outcome: Sendable, Equatable {
        /// Accepted with this 2xx status after this many attempts.
        case delivered(status: Int, attempts: Int)
        /// In the ledger already; not sent.
        case alreadyDelivered
        /// Not delivered: why, after this many attempts.
        case failed(reason: String, attempts: Int)
    }

    /// Every event's outcome, in the events' order.
    public struct Report: Sendable, Equatable {
        public var outcomes: [(id: String, outcome: Outcome)] = []

        public var delivered: Int { outcomes.count(where: { if case .delivered = $0.outcome { true } else { false } }) }
        public var alreadyDelivered: Int { outcomes.count(where: { $0.outcome == .alreadyDelivered }) }
        public var failed: Int { outcomes.count(where: { if case .failed = $0.outcome { true } else { false } }) }

        public static func == (a: Report, b: Report) -> Bool {
            a.outcomes.map(\.id) == b.outcomes.map(\.id) && a.outcomes.map(\.outcome) == b.outcomes.map(\.outcome)
        }
    }

    /// Which of `events` the ledger has not recorded yet: what a delivery would send.
    public static func pending(_ events: [AlertEvent], ledger: ScoreHistory) throws -> [AlertEvent] {
        let done = try ledger.deliveredIDs(among: events.map(\.id))
        return events.filter { !done.contains($0.id) }
    }

    /// Delivers every event not in the ledger yet and records each one delivered.
    ///
    /// - Parameters:
    ///   - ledger: the score history, opened for writing.
    ///   - progress: called after each event with its outcome (the CLI prints failures).
    /// - Throws: only a ledger failure (the history could not be written); outcomes so far
    ///   are committed.
    public func deliver(_ events: [AlertEvent], ledger: ScoreHistory, now: @Sendable () -> Date = { Date() },
                        progress: (AlertEvent, Outcome) -> Void = { _, _ in }) throws -> Report {
        let done = try ledger.deliveredIDs(among: events.map(\.id))
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.timeoutSeconds
        configuration.timeoutIntervalForResource = policy.timeoutSeconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.invalidateAndCancel() }

        var report = Report()
        let stamp = ISO8601DateFormatter()
        stamp.formatOptions = [.withInternetDateTime]
        for event in events {
            let outcome: Outcome
            if done.contains(event.id) {
                outcome = .alreadyDelivered
            } else {
                outcome = send(event, session: session)
                if case let .delivered(status, _) = outcome {
                    try ledger.recordDelivery(ScoreHistory.Delivery(eventID: event.id, url: url.absoluteString, deliveredAt: stamp.string(from: now()),
                                                                    status: status))
                }
            }
            report.outcomes.append((event.id, outcome))
            progress(event, outcome)
        }
        return report
    }

    /// One event, with retries.
    func send(_ event: AlertEvent, session: URLSession) -> Outcome {
        let body: Data
        do { body = try event.json() } catch { return .failed(reason: "cannot encode the event: \(error)", attempts: 0) }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: policy.timeoutSeconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(event.id, forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = body
        var reason = ""
        for attempt in 1...policy.maxAttempts {
            if attempt > 1 { Thread.sleep(forTimeInterval: policy.backoffSeconds * pow(2, Double(attempt - 2))) }
            switch Self.post(request, session: session, timeout: policy.timeoutSeconds) {
            case let .answered(status) where (200..<300).contains(status):
                return .delivered(status: status, attempts: attempt)
            case let .answered(status) where (500..<600).contains(status):
                reason = "HTTP \(status)"
            case let .answered(status):
                return .failed(reason: "HTTP \(status) (not retried)", attempts: attempt)
            case let .transient(why):
                reason = why
            case let .permanent(why):
                return .failed(reason: why, attempts: attempt)
            }
        }
        return .failed(reason: "\(reason) after \(policy.maxAttempts) attempt\(policy.maxAttempts == 1 ? "" : "s")", attempts: policy.maxAttempts)
    }

    enum Attempt: Sendable {
        case answered(Int)
        /// A connection error or a timeout: worth another try.
        case transient(String)
        /// A bad URL or another error another try would not mend.
        case permanent(String)
    }

    /// URL errors a retry may get past: the receiver down, slow or restarting.
    static let transientErrors: Set<URLError.Code> = [
        .timedOut, .cannotConnectToHost, .networkConnectionLost, .notConnectedToInternet, .cannotFindHost, .dnsLookupFailed,
        .badServerResponse, .zeroByteResource, .cannotLoadFromNetwork, .resourceUnavailable,
    ]

    /// One POST, waited for: URLSession's own timeout ends it, and a watchdog a few seconds
    /// later cancels it should that ever fail to fire.
    static func post(_ request: URLRequest, session: URLSession, timeout: Double) -> Attempt {
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var result: Attempt = .transient("no answer")
            func set(_ r: Attempt) { lock.lock(); result = r; lock.unlock() }
            func get() -> Attempt { lock.lock(); defer { lock.unlock() }; return result }
        }
        let box = Box(), done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { _, response, error in
            if let error = error as? URLError {
                let text = "\(error.localizedDescription) (URLError \(error.code.rawValue))"
                box.set(transientErrors.contains(error.code) ? .transient(error.code == .timedOut ? "timed out" : text) : .permanent(text))
            } else if let error {
                box.set(.transient("\(error.localizedDescription)"))
            } else if let http = response as? HTTPURLResponse {
                box.set(.answered(http.statusCode))
            } else {
                box.set(.transient("no HTTP answer"))
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            task.cancel()
            _ = done.wait(timeout: .now() + 5)
            return .transient("timed out")
        }
        return box.get()
    }
}
