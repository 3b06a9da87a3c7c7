import Foundation
import VitalsFoundation

extension HealthDigest {
    /// One file of the digest: its name in the folder and its bytes.
    public struct Page: Sendable, Equatable {
        public let fileName: String
        public let html: String
    }

    /// Every page, the index first, then the CSM pages in name order, then the PSO page.
    public func pages() -> [Page] {
        var out = [Page(fileName: Self.indexFile, html: indexPage())]
        for csm in churn?.csms ?? [] { out.append(Page(fileName: csm.fileName, html: csmPage(csm))) }
        if let projects { out.append(Page(fileName: Self.projectsFile, html: projectsPage(projects))) }
        return out
    }

    typealias H = DigestHTML

    // MARK: index

    /// Links to every page: each CSM with their counts and ARR at risk, and the projects.
    func indexPage() -> String {
        var body = "<h1>Customer health digest, \(H.escape(asOf))</h1>\n"
        if let churn {
            body += #"<p class="facts">Churn model \#(H.escape(churn.modelID)) · \#(H.since(churn.previousRun))</p>"# + "\n"
            body += "<h2>CSMs</h2>\n"
            if churn.csms.isEmpty {
                body += #"<p class="none">accounts.csv names no CSM.</p>"# + "\n"
            } else {
                body += #"<table><colgroup><col style="width:30%"><col><col><col><col><col style="width:20%"></colgroup>"#
                body += #"<thead><tr><th>CSM</th><th class="num">Active</th><th class="num">High</th><th class="num">New</th><th class="num">Renew</th><th class="num">ARR at risk</th></tr></thead><tbody>"#
                for csm in churn.csms {
                    body += #"<tr><td><a href="\#(H.escape(csm.fileName))">\#(H.escape(csm.name))</a></td>"#
                    body += #"<td class="num">\#(csm.atRisk.matching)</td><td class="num">\#(csm.highRisk)</td>"#
                    body += #"<td class="num">\#(csm.newOnList.count)</td><td class="num">\#(csm.renewals.count)</td>"#
                    body += #"<td class="num">\#(H.money(csm.arrAtRisk))</td></tr>"# + "\n"
                }
                body += "</tbody></table>\n"
            }
            if churn.accountsWithoutCSM > 0 {
                body += #"<p class="facts">\#(churn.accountsWithoutCSM) active account\#(churn.accountsWithoutCSM == 1 ? " has" : "s have") no CSM and \#(churn.accountsWithoutCSM == 1 ? "is" : "are") on no page.</p>"# + "\n"
            }
            body += #"<p class="legend">Active: accounts scored on \#(H.escape(asOf)) · High: in the high band · New: new on the CSM's top-\#(churn.top) list since the previous run · Renew: renewals within \#(churn.horizonDays) days · ARR at risk: ARR × P(churn), summed over the CSM's active accounts · \#(H.bands(churn.riskBands))</p>"# + "\n"
        }
        if let projects {
            body += "<h2>Projects</h2>\n"
            let high = projects.projects.filter { $0.riskBand == .high }.count
            body += #"<p><a href="\#(Self.projectsFile)">Projects in flight by overrun risk</a>: \#(projects.inFlight) in flight, top \#(projects.projects.count) listed, \#(high) of them high risk (overrun model \#(H.escape(projects.modelID)))</p>"# + "\n"
        }
        return H.page(title: "Customer health digest, \(asOf)", body: body)
    }

    // MARK: CSM page

    func csmPage(_ csm: CSMDigest) -> String {
        let list = csm.atRisk
        var body = "<h1>\(H.escape(csm.name)): accounts to call</h1>\n"
        body += #"<p class="facts">As of \#(H.escape(asOf)) · \#(list.matching) active account\#(list.matching == 1 ? "" : "s") · \#(csm.highRisk) high risk · ARR at risk \#(H.money(csm.arrAtRisk)) · \#(H.since(list.previousRun)) · churn model \#(H.escape(list.modelID)) · <a href="\#(Self.indexFile)">all CSMs</a></p>"# + "\n"

        body += "<h2>At risk: top \(list.accounts.count) of \(list.matching)</h2>\n"
        if list.accounts.isEmpty {
            body += #"<p class="none">No active accounts on \#(H.escape(asOf)).</p>"# + "\n"
        } else {
            body += #"<table><colgroup><col style="width:38%"><col style="width:16%"><col style="width:15%"><col style="width:13%"><col style="width:18%"></colgroup>"#
            body += #"<thead><tr><th>Account</th><th class="num">P(churn)</th><th class="num">Δ pts</th><th class="num">ARR</th><th>Trend</th></tr></thead><tbody>"# + "\n"
            for e in list.accounts {
                let name = e.name.map { "\(H.escape($0)) " } ?? ""
                let spark = DigestSparkline.svg(csm.trends[e.accountID] ?? [], label: "churn probability of \(e.accountID) over the runs")
                let new = e.newOnList ? #"<span class="new">NEW</span>"# : ""
                body += #"<tr class="lead"><td>\#(e.rank). \#(name)<span class="id">\#(H.escape(e.accountID))</span>\#(new)</td>"#
                body += #"<td class="num">\#(H.banded(e.churnProbability, e.riskBand))</td><td class="num">\#(H.change(e.change))</td>"#
                body += #"<td class="num">\#(H.money(e.arr))</td><td>\#(spark)</td></tr>"# + "\n"
                var facts: [String] = []
                if let state = e.healthState { facts.append("health \(H.escape(state.replacingOccurrences(of: "_", with: "-")))") }
                if let days = e.expectedDaysToChurn { facts.append("about \(days) days to churn") }
                facts.append(e.renewsWithinHorizon ? "<b>renews \(H.escape(e.renewalDate))</b>" : "renews \(H.escape(e.renewalDate))")
                let why = e.drivers.isEmpty ? "nothing raises the risk above the average account" : e.drivers.map { H.escape($0.phrase) }.joined(separator: "; ")
                body += #"<tr class="why"><td colspan="5">\#(why) · \#(facts.joined(separator: " · "))</td></tr>"# + "\n"
            }
            body += "</tbody></table>\n"
        }

        body += "<h2>New on the list</h2>\n"
        if list.previousRun == nil {
            body += #"<p class="none">No earlier run in the history to compare with.</p>"# + "\n"
        } else if csm.newOnList.isEmpty {
            body += #"<p class="none">None since the run of \#(H.escape(list.previousRun!.asOf)).</p>"# + "\n"
        } else {
            body += "<ul>" + csm.newOnList.map { e in
                let was = e.previousProbability.map { "was \(H.percent($0))" } ?? "not scored then"
                return "<li>\(e.name.map(H.escape) ?? "") <span class=\"id\">\(H.escape(e.accountID))</span>: \(H.banded(e.churnProbability, e.riskBand)), \(was)</li>"
            }.joined() + "</ul>\n"
        }

        body += "<h2>Left the list</h2>\n"
        if list.previousRun == nil {
            body += #"<p class="none">No earlier run in the history to compare with.</p>"# + "\n"
        } else if csm.left.isEmpty {
            body += #"<p class="none">None since the run of \#(H.escape(list.previousRun!.asOf)).</p>"# + "\n"
        } else {
            body += "<ul>" + csm.left.map { e in
                let was = e.previousProbability.map { "was \(H.percent($0))" } ?? ""
                let now = e.probability.map { "now \(H.percent($0))" } ?? "no longer active"
                return "<li>\(e.name.map(H.escape) ?? "") <span class=\"id\">\(H.escape(e.accountID))</span>: \(now), \(was)</li>"
            }.joined() + "</ul>\n"
        }

        body += "<h2>Renewals within \(list.horizonDays) days</h2>\n"
        if csm.renewals.isEmpty {
            body += #"<p class="none">None.</p>"# + "\n"
        } else {
            body += #"<table><colgroup><col style="width:22%"><col style="width:36%"><col style="width:14%"><col style="width:14%"><col style="width:14%"></colgroup>"#
            body += #"<thead><tr><th>Renews</th><th>Account</th><th class="num">P(churn)</th><th class="num">By renewal</th><th class="num">ARR</th></tr></thead><tbody>"# + "\n"
            for e in csm.renewals {
                body += #"<tr><td>\#(H.escape(e.renewalDate))</td><td>\#(e.name.map { "\(H.escape($0)) " } ?? "")<span class="id">\#(H.escape(e.accountID))</span></td>"#
                body += #"<td class="num">\#(H.banded(e.churnProbability, e.riskBand))</td><td class="num">\#(e.churnProbabilityByRenewal.map(H.percent) ?? "—")</td>"#
                body += #"<td class="num">\#(H.money(e.arr))</td></tr>"# + "\n"
            }
            body += "</tbody></table>\n"
        }
        body += #"<p class="legend">P(churn) within \#(list.horizonDays) days, in its band's colour (\#(H.bands(list.riskBands))) · Δ pts: change in percentage points since the previous run · NEW: not on this list in the previous run · Trend: P(churn) in each run of the history, 0–100 %, now at the dot · By renewal: P(churn) by the renewal date</p>"# + "\n"
        return H.page(title: "\(csm.name): accounts to call, \(asOf)", body: body)
    }

    // MARK: PSO page

    func projectsPage(_ list: ProjectList) -> String {
        let hours: (Double) -> String = { "\(Int($0.rounded()))" }
        var body = "<h1>Projects in flight by overrun risk</h1>\n"
        body += #"<p class="facts">As of \#(H.escape(list.asOf)) · top \#(list.projects.count) of \#(list.matching) in flight · \#(H.since(list.previousRun)) · overrun model \#(H.escape(list.modelID)) · <a href="\#(Self.indexFile)">index</a></p>"# + "\n"
        if list.projects.isEmpty {
            body += #"<p class="none">No project in flight on \#(H.escape(list.asOf)).</p>"# + "\n"
        } else {
            body += #"<table><colgroup><col style="width:33%"><col style="width:17%"><col style="width:17%"><col style="width:33%"></colgroup>"#
            body += #"<thead><tr><th>Project</th><th class="num">P(over)</th><th class="num">Δ pts</th><th>Forecast</th></tr></thead><tbody>"# + "\n"
            for e in list.projects {
                let account = [e.accountName.map(H.escape), #"<span class="id">\#(H.escape(e.accountID))</span>"#].compactMap { $0 }.joined(separator: " ")
                let new = e.newOnList ? #"<span class="new">NEW</span>"# : ""
                let late = e.daysLate == 0 ? "on time" : e.daysLate > 0 ? "\(e.daysLate) days late" : "\(-e.daysLate) days early"
                body += #"<tr class="lead"><td>\#(e.rank). \#(H.escape(e.projectID))\#(new)<br>\#(account)</td>"#
                body += #"<td class="num">\#(H.banded(e.overrunProbability, e.riskBand))</td><td class="num">\#(H.change(e.change))</td>"#
                body += #"<td>\#(hours(e.forecastHoursLow))–\#(hours(e.forecastHoursHigh)) h (budget \#(hours(e.budgetHours)) h, \#(String(format: "%+.0f%%", e.forecastOverrunPct)))<br>ends \#(H.escape(e.forecastEndDate)), \#(late)</td></tr>"# + "\n"
                var facts: [String] = []
                if let phase = e.phase { facts.append("phase \(H.escape(phase.replacingOccurrences(of: "_", with: "-")))") }
                if let type = e.type { facts.append(H.escape(type)) }
                facts.append("\(hours(e.hoursLogged)) h logged")
                if e.changeOrderHours > 0 { facts.append("change orders \(hours(e.changeOrderHours)) h") }
                facts.append("ends \(H.escape(e.forecastEndLow)) to \(H.escape(e.forecastEndHigh)), plan \(H.escape(e.baselineEndDate))")
                let why = e.drivers.isEmpty ? "nothing raises the risk above the average project" : e.drivers.map { H.escape($0.phrase) }.joined(separator: "; ")
                body += #"<tr class="why"><td colspan="4">\#(why) · \#(facts.joined(separator: " · "))</td></tr>"# + "\n"
            }
            body += "</tbody></table>\n"
        }
        body += #"<p class="legend">P(over): the model's probability of ending over budget or late, in its band's colour (\#(H.bands(list.riskBands))) · Δ pts: its change in percentage points since the previous run · NEW: not on this list in the previous run · Forecast: the hours at completion (\#(H.escape(list.forecastInterval))) against the budget, and the forecast end against the plan</p>"# + "\n"
        return H.page(title: "Projects in flight by overrun risk, \(list.asOf)", body: body)
    }
}
