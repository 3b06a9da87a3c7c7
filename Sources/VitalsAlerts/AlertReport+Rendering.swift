import VitalsFoundation

extension AlertReport {
    /// The terminal summary: a heading, then one line per event (entity, owner, and the
    /// reason, which names the kind), each cut to `width` columns; text from the data shown escaped.
    public func summary(width: Int = 80, events shown: [AlertEvent]? = nil) -> String {
        let events = shown ?? self.events
        let span = previousAsOf.map { "\($0) → \(asOf)" } ?? "as of \(asOf) (first run)"
        var lines = [Self.fit("\(events.count) \(task.rawValue) alert\(events.count == 1 ? "" : "s"), \(span), model \(modelID)", width)]
        // The id column as wide as the longest id shown (at most 12), the owner's at most 11.
        let entities = events.map { Self.fit(TerminalText.escaped($0.projectID ?? $0.accountID), 12) }
        let idWidth = entities.map(\.count).max() ?? 0
        for (event, entity) in zip(events, entities) {
            let owner = Self.fit(event.csm.map { TerminalText.escaped($0) } ?? "-", 11)
            lines.append(Self.fit("\(Self.pad(entity, idWidth)) \(Self.pad(owner, 11)) \(TerminalText.escaped(event.reason))", width))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }

    /// `s` within `width` characters, ending in "…" when cut.
    static func fit(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(width - 1)) + "…"
    }
}
