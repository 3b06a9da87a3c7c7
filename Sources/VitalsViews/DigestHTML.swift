import Foundation
import VitalsFoundation

/// The digest pages' shared frame: one self-contained HTML document per page (inline CSS, no
/// script, no font, image or stylesheet from anywhere), laid out for a phone and for an email
/// client's column: the content at most 640 px wide and fluid below it, tables as wide as the
/// page with fixed columns whose text wraps, so nothing scrolls sideways at 390 px.
///
/// Every piece of text that comes from data goes through `escape` (as in the evaluation report).
enum DigestHTML {
    static let style = """
        *{box-sizing:border-box}
        body{font:15px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2530;background:#fff;margin:0 auto;max-width:640px;padding:12px}
        h1{font-size:20px;line-height:1.25;margin:6px 0 4px;overflow-wrap:anywhere}
        h2{font-size:16px;margin:22px 0 6px;padding-bottom:3px;border-bottom:1px solid #e3e7eb}
        p{margin:6px 0}p.facts,p.legend{color:#5b6672;font-size:13px}p.none{color:#5b6672;font-style:italic}
        a{color:#1f5fa8}
        table{border-collapse:collapse;width:100%;table-layout:fixed;margin:4px 0 8px}
        th,td{padding:5px 4px;text-align:left;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}
        th{font-size:12px;color:#5b6672;font-weight:600;border-bottom:2px solid #c8ced5;padding:5px 3px;overflow-wrap:normal;word-break:normal}
        td{border-bottom:1px solid #e3e7eb}td.num,th.num{text-align:right}td.num{font-size:14px}
        tr.lead td{border-bottom:none;padding-bottom:1px}tr.why td{color:#38424d;font-size:13px;padding-top:0}
        .id{color:#5b6672;font-size:12px}.new{display:inline-block;font-size:11px;font-weight:700;color:#fff;background:#1f5fa8;border-radius:3px;padding:0 4px;margin-left:4px}
        .high{color:#c2413b;font-weight:600}.medium{color:#b7791f;font-weight:600}.low{color:#2f7d4f}
        .up{color:#c2413b}.down{color:#2f7d4f}.same{color:#5b6672}
        .high,.medium,.low,.up,.down,.same{white-space:nowrap}
        svg.spark{display:block;width:100%;max-width:84px;height:auto}
        ul{margin:4px 0;padding-left:20px}li{margin:2px 0;overflow-wrap:anywhere}
        """

    /// A whole page: the document frame around `body`, with `title` (from data, escaped here).
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(escape(title))</title>
        <style>
        \(style)
        </style></head><body>
        \(body)
        </body></html>

        """
    }

    /// Text for HTML: `&`, `<`, `>`, `"` and `'` as entities, so data can stand in an element
    /// or a quoted attribute and never opens a tag or ends the attribute.
    static func escape(_ text: String) -> String {
        HTMLReport.escape(text).replacingOccurrences(of: "'", with: "&#39;")
    }

    /// `12.3%`.
    static func percent(_ p: Double) -> String { percentText(p) }

    /// The change in percentage points as a span coloured by its direction (`—` when unknown).
    static func change(_ change: Double?) -> String {
        let text = changeText(change).text
        guard let change else { return #"<span class="same">—</span>"# }
        let points = (change * 1000).rounded() / 10
        return #"<span class="\#(points > 0 ? "up" : points < 0 ? "down" : "same")">\#(escape(text))</span>"#
    }

    /// A probability in its band's colour.
    static func banded(_ p: Double, _ band: RiskBand) -> String {
        #"<span class="\#(band.rawValue)">\#(percent(p))</span>"#
    }

    static func money(_ x: Double?) -> String { x.map(DriverPhrase.money) ?? "—" }

    /// The bands' legend line.
    static func bands(_ bands: RiskBands) -> String {
        "bands: low &lt; \(percent(bands.mediumFrom)) ≤ medium &lt; \(percent(bands.highFrom)) ≤ high"
    }

    /// "changes since the run of …", or that there is no earlier run.
    static func since(_ run: AtRiskList.PreviousRun?) -> String {
        run.map { "changes since the run of \(escape($0.asOf))" } ?? "first run in the history: no earlier run to compare with"
    }
}
