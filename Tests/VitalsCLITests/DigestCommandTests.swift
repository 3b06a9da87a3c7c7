import Foundation
import Testing
import VitalsTestSupport

/// `vitals digest` end to end, on the people's-side book (a simulated book, both models, two
/// scoring runs in the history): the files, the pages against `vitals at-risk`, the same bytes
/// twice, and the refusals.
@Suite struct DigestCommandTests {
    typealias Book = PeopleSideCommandTests.Book

    static func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func theDigestHasAPagePerCSMAnIndexAndTheProjects() throws {
        let book = try Book.shared()
        let out = book.directory.path("digest-\(UUID().uuidString)")
        let result = try VitalsProcess.run(["digest", book.signals, "--model", book.churn, "--model", book.overrun, "--history", book.history, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try Self.files(out)
        #expect(files.contains("index.html") && files.contains("projects.html"))
        let csmPages = files.filter { $0.hasPrefix("csm-") && $0.hasSuffix(".html") }
        #expect(files.count == csmPages.count + 2)
        #expect(result.stdout.contains("wrote \(files.count) pages to \(out): \(csmPages.count) CSM pages, projects.html"))

        // The CSMs of accounts.csv, one page each, linked from the index.
        let accounts = try String(contentsOfFile: book.signals + "/accounts.csv", encoding: .utf8).split(separator: "\n")
        let header = accounts[0].split(separator: ",").map(String.init)
        let csmColumn = try #require(header.firstIndex(of: "csm"))
        let csms = Set(accounts.dropFirst().map { String($0.split(separator: ",", omittingEmptySubsequences: false)[csmColumn]) }.filter { !$0.isEmpty })
        #expect(csmPages.count == csms.count)
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        for page in csmPages { #expect(index.contains(#"<a href="\#(page)">"#)) }

        // A CSM's page lists the accounts `vitals at-risk --csm` lists, in its order, and says
        // what changed since the previous run.
        let csm = try #require(csms.sorted().first)
        let list = try PeopleSideCommandTests.json(try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--history", book.history,
                                                                          "--csm", csm, "--format", "json"]))
        let ids = try #require(list["accounts"] as? [[String: Any]]).compactMap { $0["account_id"] as? String }
        #expect(!ids.isEmpty)
        let found = csmPages.compactMap { name -> String? in
            let html = try? String(contentsOfFile: out + "/" + name, encoding: .utf8)
            return html?.contains("<h1>\(csm): accounts to call</h1>") == true ? html : nil
        }.first
        let page = try #require(found)
        let positions = ids.map { page.range(of: "<span class=\"id\">\($0)</span>")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(page.contains("changes since the run of 2025-11-30") && page.contains("<svg class=\"spark\""))
        let projects = try String(contentsOfFile: out + "/projects.html", encoding: .utf8)
        #expect(projects.contains("Projects in flight by overrun risk") && projects.contains("changes since the run of 2025-11-30"))

        // The same inputs, the same bytes; a second run over the folder replaces it.
        let again = book.directory.path("digest-\(UUID().uuidString)")
        #expect(try VitalsProcess.run(["digest", book.signals, "--model", book.churn, "--model", book.overrun, "--history", book.history, "--out", again]).status == 0)
        for file in files { #expect(FileManager.default.contents(atPath: out + "/" + file) == FileManager.default.contents(atPath: again + "/" + file), "\(file)") }
        let churnOnly = try VitalsProcess.run(["digest", book.signals, "--model", book.churn, "--history", book.history, "--out", out])
        #expect(churnOnly.status == 0, "\(churnOnly.stderr)")
        #expect(try Self.files(out) == files.filter { $0 != "projects.html" })
        #expect(try Self.files(book.directory.path("")).filter { $0.hasPrefix(".digest") } == [])
    }

    @Test func twoModelsOfOneTaskAndForeignFoldersAreRefused() throws {
        let book = try Book.shared()
        let out = book.directory.path("digest-\(UUID().uuidString)")
        let twice = try VitalsProcess.run(["digest", book.signals, "--model", book.churn, "--model", book.churn, "--history", book.history, "--out", out])
        #expect(twice.status == 64 && twice.stderr.contains("are both churn models"), "\(twice.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let none = try VitalsProcess.run(["digest", book.signals, "--history", book.history, "--out", out])
        #expect(none.status == 64)

        // A folder with files the digest did not write is left as it is.
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: out + "/notes.txt", contents: Data("mine".utf8))
        let foreign = try VitalsProcess.run(["digest", book.signals, "--model", book.churn, "--history", book.history, "--out", out])
        #expect(foreign.status == 73 && foreign.stderr.contains("notes.txt"), "\(foreign.stderr)")
        #expect(try Self.files(out) == ["notes.txt"])

        let missing = try VitalsProcess.run(["digest", book.signals, "--model", book.churn, "--history", book.directory.path("none.sqlite"),
                                             "--out", book.directory.path("digest-missing")])
        #expect(missing.status == 66, "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: book.directory.path("digest-missing")))
    }
}
