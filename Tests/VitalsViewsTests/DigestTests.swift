import Foundation
import Testing
import VitalsFoundation
import VitalsHistory
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsTestBooks
import VitalsTestSupport
import VitalsViews

/// The digest's pages as values and as HTML, built in process from the trained test book and a
/// score history of two runs (a month before the end of the data, and the end).
@Suite struct DigestTests {
    /// A digest of the trained book: a history with a run a month before the end (churn and
    /// overrun) unless `firstRun`, and the current run; `dataset` changes the book's signals.
    static func digest(firstRun: Bool = false, overrun: Bool = true, top: Int = 20,
                       dataset change: (inout SignalsDataset) -> Void = { _ in }) throws -> (digest: HealthDigest, history: TemporaryDirectory) {
        let trained = try TrainedBook.shared()
        var dataset = trained.book.dataset
        change(&dataset)
        let directory = try TemporaryDirectory("digest")
        let history = try ScoreHistory(path: directory.path("history.sqlite"))
        let end = trained.book.index.dataEnd
        let input = { (model: ModelFile) in
            ScoringInput(model: model, dataset: dataset, directory: trained.book.signals, asOf: nil, allowMissingSignals: false)
        }
        for model in [trained.churn.model, trained.overrun.model] {
            let runs = firstRun ? [end] : [end.adding(months: -1), end]
            for day in runs {
                var scoring = input(model)
                scoring.asOf = day
                let snapshot = try scoring.snapshot().snapshot
                _ = try history.append(ScoreHistory.Run(task: snapshot.task.rawValue, asOf: "\(day)", modelID: model.modelID, scoreFile: "x.csv",
                                                        rows: snapshot.rowCount), scores: HistoryRecords.scores(snapshot))
            }
        }
        let request = DigestRequest(churn: input(trained.churn.model), overrun: overrun ? input(trained.overrun.model) : nil,
                                    historyPath: directory.path("history.sqlite"), top: top)
        return (try request.run().digest, directory)
    }

    /// What a self-contained page must not hold: anything fetched from elsewhere.
    static func networkReferences(_ html: String) -> [String] {
        var found: [String] = []
        for needle in ["http://", "https://", "@import", "url(", "<script", "<link", "<iframe", "<img", "<object", "<embed", "//"] {
            if needle == "//" {
                // A protocol-relative reference in an attribute.
                if html.contains("=\"//") || html.contains("='//") { found.append(needle) }
            } else if html.lowercased().contains(needle) {
                found.append(needle)
            }
        }
        // Every src= or href= points at a page of the digest.
        for attribute in ["src=\"", "href=\""] {
            var rest = html[...]
            while let range = rest.range(of: attribute) {
                let value = rest[range.upperBound...].prefix { $0 != "\"" }
                if attribute == "src=\"" || !(value.hasSuffix(".html") && !value.contains("/") && !value.contains(":")) {
                    found.append("\(attribute)\(value)")
                }
                rest = rest[range.upperBound...]
            }
        }
        return found
    }

    @Test func slugsAreSafeAndUnique() {
        #expect(DigestSlug.slug("Ann O'Brien") == "ann-o-brien")
        #expect(DigestSlug.slug("Zoë  Müller") == "zoe-muller")
        #expect(DigestSlug.slug("../../etc/passwd") == "etc-passwd")
        #expect(DigestSlug.slug("<script>alert(1)</script>") == "script-alert-1-script")
        #expect(DigestSlug.slug("=HYPERLINK(\"x\",\"y\")") == "hyperlink-x-y")
        #expect(DigestSlug.slug("") == "csm" && DigestSlug.slug("---") == "csm" && DigestSlug.slug("李") == "csm")
        #expect(DigestSlug.slug(String(repeating: "a", count: 200)).count == 48)
        #expect(DigestSlug.unique(["Ann Lee", "ann-lee", "Ann  Lee!", "ann lee 2"]) == ["ann-lee", "ann-lee-2", "ann-lee-3", "ann-lee-2-2"])
        #expect(DigestSlug.unique(["李", "王"]) == ["csm", "csm-2"])
    }

    /// Each CSM page holds that CSM's at-risk list, as `vitals at-risk --csm` builds it, with who
    /// left the list since the previous run and the trend from the history.
    @Test func eachCSMPageIsTheirAtRiskListWithTheChanges() throws {
        let (digest, directory) = try Self.digest()
        defer { directory.remove() }
        let trained = try TrainedBook.shared()
        let churn = try #require(digest.churn)
        let csms = Set((0..<trained.book.dataset.accounts.count).compactMap { trained.book.dataset.accounts.csm?[$0] })
        #expect(churn.csms.map(\.name).sorted() == csms.sorted())
        #expect(Set(churn.csms.map(\.fileName)).count == churn.csms.count)
        #expect(churn.previousRun?.asOf == "\(trained.book.index.dataEnd.adding(months: -1))")

        let history = try ScoreHistory(path: directory.path("history.sqlite"), access: .read)
        let previous = try #require(try history.previousScores(task: "churn", before: digest.asOf))
        var sawLeft = false, sawNew = false
        for csm in churn.csms {
            let request = AtRiskRequest(input: ScoringInput(model: trained.churn.model, dataset: trained.book.dataset, directory: trained.book.signals,
                                                            asOf: nil, allowMissingSignals: false),
                                        historyPath: directory.path("history.sqlite"), query: AtRiskQuery(top: 20, csm: csm.name))
            let list = try request.run().list
            #expect(csm.atRisk.accounts == list.accounts)
            // Left the list: the at-risk list's own (its watch list in the previous run, not now), in its order.
            #expect(csm.left.map(\.accountID) == list.leftTheList.map(\.id))
            #expect(!csm.left.contains { l in list.accounts.contains { $0.accountID == l.accountID } })
            for left in csm.left { #expect(left.previousProbability == previous.scores[left.accountID]?.probability) }
            sawLeft = sawLeft || !csm.left.isEmpty
            sawNew = sawNew || !csm.newOnList.isEmpty
            // Renewals: within the horizon, soonest first.
            #expect(csm.renewals.allSatisfy { $0.renewsWithinHorizon })
            #expect(csm.renewals.map(\.renewalDate) == csm.renewals.map(\.renewalDate).sorted())
            // The trend: the history's earlier run, then now.
            for entry in list.accounts {
                let trend = try #require(csm.trends[entry.accountID])
                #expect(trend.last == CSMDigest.TrendPoint(asOf: digest.asOf, probability: entry.churnProbability))
                if let before = previous.scores[entry.accountID] {
                    #expect(trend.count == 2 && trend[0].probability == before.probability)
                }
            }
        }
        #expect(sawLeft && sawNew)
        let projects = try #require(digest.projects)
        #expect(projects.projects.count == min(20, projects.matching) && projects.previousRun != nil)
    }

    /// The pages: one per CSM, an index linking them all, the PSO page; nothing loaded from
    /// anywhere; the same bytes twice.
    @Test func thePagesAreSelfContainedLinkedAndDeterministic() throws {
        let (digest, directory) = try Self.digest()
        defer { directory.remove() }
        let pages = digest.pages()
        let churn = try #require(digest.churn)
        #expect(pages.map(\.fileName) == [HealthDigest.indexFile] + churn.csms.map(\.fileName) + [HealthDigest.projectsFile])
        for page in pages {
            #expect(Self.networkReferences(page.html) == [], "\(page.fileName)")
            #expect(page.html.hasPrefix("<!DOCTYPE html>") && page.html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
            #expect(page.html.contains("max-width:640px"))
        }
        let index = pages[0].html
        for csm in churn.csms { #expect(index.contains(#"<a href="\#(csm.fileName)">"#)) }
        #expect(index.contains(#"<a href="projects.html">"#))
        let first = try #require(churn.csms.first { !$0.atRisk.accounts.isEmpty })
        let page = try #require(pages.first { $0.fileName == first.fileName }).html
        #expect(page.contains("<svg class=\"spark\"") && page.contains("Renewals within \(churn.horizonDays) days"))
        let escaped = { (s: String) in
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
        }
        for driver in first.atRisk.accounts[0].drivers { #expect(page.contains(escaped(driver.phrase))) }

        let (again, otherDirectory) = try Self.digest()
        defer { otherDirectory.remove() }
        #expect(again.pages() == pages)
    }

    /// A first run has nothing to compare with: no change, nothing new, nothing left.
    @Test func aFirstRunSaysThereIsNothingToCompareWith() throws {
        let (digest, directory) = try Self.digest(firstRun: true, overrun: false)
        defer { directory.remove() }
        let churn = try #require(digest.churn)
        #expect(churn.previousRun == nil && digest.projects == nil)
        for csm in churn.csms {
            #expect(csm.left.isEmpty && csm.newOnList.isEmpty && csm.atRisk.accounts.allSatisfy { $0.change == nil })
            #expect(csm.trends.values.allSatisfy { $0.count == 1 })
        }
        let pages = digest.pages()
        #expect(pages.map(\.fileName).last != HealthDigest.projectsFile)
        #expect(pages.dropFirst().allSatisfy { $0.html.contains("No earlier run in the history to compare with.") })
        #expect(!pages[0].html.contains("projects.html"))
    }

    /// Names from the data are text on the page, never markup; a CSM without active accounts
    /// gets a page that says so; two names that slug alike get two files.
    @Test func hostileNamesAreEscapedAndEveryCSMGetsAPage() throws {
        let trained = try TrainedBook.shared()
        let script = "<script>alert(1)</script>", formula = #"=HYPERLINK("evil.example","click")"#
        let bold = #"<b onmouseover='x'>Acme</b> & "Co""#
        let dataset = trained.book.dataset
        // The account that churned first: not active on the as-of date.
        let churned = try #require((0..<dataset.accounts.count).filter { dataset.accounts.churnDate?[$0] != nil }
            .min { dataset.accounts.churnDate![$0]! < dataset.accounts.churnDate![$1]! })
        let (digest, directory) = try Self.digest(overrun: false) { dataset in
            var csm = dataset.accounts.csm!
            csm.levels[0] = script
            csm.levels[1] = formula
            // Two CSMs whose names slug alike; one CSM with only a churned account.
            csm.levels += ["Zoë O'Brien", "Zoe O Brien", "Nobody Active"]
            let zoe = (0..<csm.count).filter { csm.codes[$0] == 2 && $0 != churned }
            csm.codes[zoe[0]] = Int32(csm.levels.count - 3)
            csm.codes[zoe[1]] = Int32(csm.levels.count - 2)
            csm.codes[churned] = Int32(csm.levels.count - 1)
            dataset.accounts.csm = csm
            var names = dataset.accounts.name!
            for a in 0..<csm.count where csm.codes[a] == 0 { names.codes[a] = Int32(names.levels.count) }
            names.levels.append(bold)
            dataset.accounts.name = names
        }
        defer { directory.remove() }
        let churn = try #require(digest.churn)
        let byName = Dictionary(uniqueKeysWithValues: churn.csms.map { ($0.name, $0) })
        #expect(byName[script]?.fileName == "csm-script-alert-1-script.html")
        #expect(byName[formula]?.fileName == "csm-hyperlink-evil-example-click.html")
        // In name order, "zoe o brien" before "zoë o'brien": the first keeps the plain slug.
        #expect(byName["Zoe O Brien"]?.fileName == "csm-zoe-o-brien.html" && byName["Zoë O'Brien"]?.fileName == "csm-zoe-o-brien-2.html")
        let nobody = try #require(byName["Nobody Active"])
        #expect(nobody.atRisk.accounts.isEmpty && nobody.atRisk.matching == 0 && nobody.renewals.isEmpty && nobody.arrAtRisk == 0)

        let pages = digest.pages()
        for page in pages {
            #expect(!page.html.contains(script) && !page.html.contains("<b onmouseover") && !page.html.contains(#""evil.example""#), "\(page.fileName)")
            #expect(Self.networkReferences(page.html) == [], "\(page.fileName)")
        }
        let scriptPage = try #require(pages.first { $0.fileName == byName[script]?.fileName }).html
        #expect(scriptPage.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;: accounts to call"))
        #expect(scriptPage.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;: accounts to call</h1>"))
        #expect(scriptPage.contains("&lt;b onmouseover=&#39;x&#39;&gt;Acme&lt;/b&gt; &amp; &quot;Co&quot;"))
        #expect(pages[0].html.contains("=HYPERLINK(&quot;evil.example&quot;,&quot;click&quot;)"))
        let nobodyPage = try #require(pages.first { $0.fileName == nobody.fileName }).html
        #expect(nobodyPage.contains("No active accounts on \(digest.asOf).") && nobodyPage.contains("Renewals within"))
    }

    /// The folder is written whole: a new one appears with every page, an earlier digest is
    /// replaced, and a folder with other files in it is left alone.
    @Test func theFolderIsWrittenWholeAndReplacesOnlyADigest() throws {
        let directory = try TemporaryDirectory("digest-folder")
        defer { directory.remove() }
        let out = directory.path("digest")
        let html: (String) -> Data = { Data("<p>\($0)</p>".utf8) }
        // A killed writer's temporary folder (its process gone) is removed by the next write.
        let gone = (Int32(4_000_000)...Int32(4_000_100)).first { kill($0, 0) != 0 && errno == ESRCH }!
        try FileManager.default.createDirectory(atPath: directory.path(".digest.\(gone).tmp"), withIntermediateDirectories: false)
        try AtomicDirectory.write([("index.html", html("one")), ("a.html", html("a"))], to: out, replaceable: { $0.hasSuffix(".html") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["a.html", "index.html"])
        // A trailing slash names the same folder.
        try AtomicDirectory.write([("index.html", html("two"))], to: out + "/", replaceable: { $0.hasSuffix(".html") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["index.html"])
        #expect(FileManager.default.contents(atPath: out + "/index.html") == html("two"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path("")).filter { $0.hasPrefix(".") } == [])

        // A folder named like a page is not a page.
        try FileManager.default.createDirectory(atPath: out + "/old.html", withIntermediateDirectories: false)
        #expect(throws: AtomicFile.WriteError.self) {
            try AtomicDirectory.write([("index.html", html("three"))], to: out, replaceable: { $0.hasSuffix(".html") })
        }
        try FileManager.default.removeItem(atPath: out + "/old.html")
        _ = FileManager.default.createFile(atPath: out + "/notes.txt", contents: Data("mine".utf8))
        #expect(throws: AtomicFile.WriteError.self) {
            try AtomicDirectory.write([("index.html", html("three"))], to: out, replaceable: { $0.hasSuffix(".html") })
        }
        #expect(FileManager.default.contents(atPath: out + "/index.html") == html("two"))
        #expect(throws: AtomicFile.WriteError.self) { try AtomicDirectory.write([("../x.html", html("x"))], to: directory.path("other"), replaceable: { _ in true }) }
        #expect(!FileManager.default.fileExists(atPath: directory.path("other")))
    }
}
