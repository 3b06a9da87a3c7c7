import Foundation
import Testing
import VitalsAlerts
import VitalsFoundation
import VitalsHistory
import VitalsTestSupport

/// Delivery to a local receiver (127.0.0.1, an ephemeral port): bodies and headers, retries
/// after 5xx and timeouts, no retry after 4xx, and the ledger that stops a second delivery.
@Suite(.serialized) struct WebhookDeliveryTests {
    static func events(_ n: Int) -> [AlertEvent] {
        (1...n).map { i in
            AlertEvent(kind: .enteredHighBand, task: .churn, accountID: "A\(i)", projectID: nil, asOf: "2025-12-31", csm: i == 1 ? nil : "Ann",
                       probability: 0.3 + Double(i) / 100, previousProbability: 0.1, arr: Double(i) * 1000, modelID: "m", riskBand: .high, reason: "r \(i)")
        }
    }

    static func policy(timeout: Double = 5, attempts: Int = 3) -> AlertsConfig.Webhook {
        var policy = AlertsConfig.Webhook()
        policy.timeoutSeconds = timeout
        policy.maxAttempts = attempts
        policy.backoffSeconds = 0.05
        return policy
    }

    static func ledger(_ directory: TemporaryDirectory) throws -> ScoreHistory {
        _ = bypassProxies
        return try ScoreHistory(path: directory.path("history.sqlite"), access: .write)
    }

    /// The receiver is local: a proxy from the environment (libcurl obeys http_proxy) must not stand in between.
    static let bypassProxies: Void = {
        setenv("no_proxy", "127.0.0.1,localhost", 1)
        setenv("NO_PROXY", "127.0.0.1,localhost", 1)
    }()

    @Test func deliversEachEventBodyWithItsIdempotencyKeyAndRecordsIt() throws {
        let directory = try TemporaryDirectory("webhook")
        let receiver = try TestReceiver()
        defer { receiver.stop() }
        let events = Self.events(3), ledger = try Self.ledger(directory)
        let report = try WebhookDelivery(url: URL(string: receiver.url)!, policy: Self.policy()).deliver(events, ledger: ledger)
        #expect(report.delivered == 3 && report.failed == 0 && report.alreadyDelivered == 0)
        let requests = receiver.requests
        #expect(requests.count == 3)
        for (request, event) in zip(requests, events) {
            #expect(request.method == "POST" && request.path == "/hook")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["idempotency-key"] == event.id)
            #expect(request.body == (try event.json()))
            #expect(try JSONDecoder().decode(AlertEvent.self, from: request.body) == event)
        }
        let recorded = try ledger.deliveries()
        #expect(Set(recorded.map(\.eventID)) == Set(events.map(\.id)))
        #expect(recorded.allSatisfy { $0.status == 200 && $0.url == receiver.url && $0.deliveredAt.hasSuffix("Z") })
    }

    @Test func retriesAfterA500() throws {
        let directory = try TemporaryDirectory("webhook")
        let receiver = try TestReceiver(script: [.status(500)])
        defer { receiver.stop() }
        let ledger = try Self.ledger(directory)
        let report = try WebhookDelivery(url: URL(string: receiver.url)!, policy: Self.policy()).deliver(Self.events(1), ledger: ledger)
        #expect(report.outcomes.map(\.outcome) == [.delivered(status: 200, attempts: 2)])
        #expect(receiver.requests.count == 2 && receiver.requests[0].body == receiver.requests[1].body)
        #expect(try ledger.deliveries().count == 1)
    }

    @Test func aRerunDeliversNothingTwice() throws {
        let directory = try TemporaryDirectory("webhook")
        let receiver = try TestReceiver()
        defer { receiver.stop() }
        let delivery = WebhookDelivery(url: URL(string: receiver.url)!, policy: Self.policy())
        _ = try delivery.deliver(Self.events(2), ledger: try Self.ledger(directory))
        #expect(receiver.requests.count == 2)
        // A new process, the same history: zero POSTs for the two, one for the new third.
        let again = try delivery.deliver(Self.events(3), ledger: try Self.ledger(directory))
        #expect(again.alreadyDelivered == 2 && again.delivered == 1)
        #expect(receiver.requests.count == 3)
        #expect(try WebhookDelivery.pending(Self.events(3), ledger: try ScoreHistory(path: directory.path("history.sqlite"), access: .read)).isEmpty)
    }

    @Test func aHangTimesOutAndTheRetrySucceeds() throws {
        let directory = try TemporaryDirectory("webhook")
        let receiver = try TestReceiver(script: [.hang])
        defer { receiver.stop() }
        let started = Date()
        let report = try WebhookDelivery(url: URL(string: receiver.url)!, policy: Self.policy(timeout: 1)).deliver(Self.events(1), ledger: try Self.ledger(directory))
        #expect(report.outcomes.map(\.outcome) == [.delivered(status: 200, attempts: 2)])
        #expect(receiver.requests.count == 2)
        let took = Date().timeIntervalSince(started)
        #expect(took >= 0.9 && took < 8, "took \(took) s")
    }

    @Test func hangsOnEveryAttemptFailAndRecordNothing() throws {
        let directory = try TemporaryDirectory("webhook")
        let receiver = try TestReceiver(script: [.hang, .hang])
        defer { receiver.stop() }
        let ledger = try Self.ledger(directory)
        let started = Date()
        let report = try WebhookDelivery(url: URL(string: receiver.url)!, policy: Self.policy(timeout: 1, attempts: 2)).deliver(Self.events(1), ledger: ledger)
        guard case let .failed(reason, attempts) = report.outcomes.first?.outcome else { Issue.record("\(report.outcomes)"); return }
        #expect(attempts == 2 && reason.contains("timed out"), "\(reason)")
        #expect(receiver.requests.count == 2)
        #expect(Date().timeIntervalSince(started) >= 1.9)
        #expect(try ledger.deliveries().isEmpty)
    }

    @Test func a4xxIsNotRetried() throws {
        let directory = try TemporaryDirectory("webhook")
        let receiver = try TestReceiver(script: [.status(422)])
        defer { receiver.stop() }
        let report = try WebhookDelivery(url: URL(string: receiver.url)!, policy: Self.policy()).deliver(Self.events(2), ledger: try Self.ledger(directory))
        #expect(report.outcomes.map(\.outcome) == [.failed(reason: "HTTP 422 (not retried)", attempts: 1), .delivered(status: 200, attempts: 1)])
        #expect(receiver.requests.count == 2)
    }

    @Test func aClosedPortIsRetriedThenFails() throws {
        let directory = try TemporaryDirectory("webhook")
        let receiver = try TestReceiver()
        let url = receiver.url
        receiver.stop()  // nobody listens there now
        let report = try WebhookDelivery(url: URL(string: url)!, policy: Self.policy(attempts: 3)).deliver(Self.events(1), ledger: try Self.ledger(directory))
        guard case let .failed(_, attempts) = report.outcomes.first?.outcome else { Issue.record("\(report.outcomes)"); return }
        #expect(attempts == 3)
    }
}
