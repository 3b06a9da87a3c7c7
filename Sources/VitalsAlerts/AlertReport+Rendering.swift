import VitalsFoundation

extension AlertReport {
    /// The terminal summary: a heading, then one line per event (entity, owner, and the
    /// reason, which names the kind), each cut to `width` columns; text from the data shown escaped.
    public func summary(width: Int = 80, events shown: [AlertEvent]? = nil) -> String {
        let events = shown ?? self.events
        let previous = previousAsOf.map { "previous run \($0)" } ?? "no previous run"
        var lines = [Self.fit("\(events.count) \(task.rawValue) alert\(events.count == 1 ? "" : "s") as of \(asOf), \(previous) (model \(modelID))", width)]
        for event in events {
            let entity = TerminalText.escaped(event.projectID ?? event.accountID)
            let owner = Self.fit(event.csm.map { TerminalText.escaped($0) } ?? "-", 11)
            lines.append(Self.fit("\(Self.pad(entity, 10)) \(Self.pad(owner, 11)) \(TerminalText.escaped(event.reason))", width))
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
