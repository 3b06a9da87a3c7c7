import Foundation
import Testing
import VitalsFoundation
import VitalsTestSupport

@Suite struct TerminalTextTests {
    @Test func controlCharactersAreShownEscaped() {
        #expect(TerminalText.escaped("Evil\u{1B}[2J\u{1B}]0;pwned\u{07}") == "Evil\\e[2J\\e]0;pwned\\x07")
        #expect(TerminalText.escaped("a\nb\tc\r") == "a\\nb\\tc\\r")
        #expect(TerminalText.escaped("a\nb", keepingNewlines: true) == "a\nb")
        #expect(TerminalText.escaped("\u{9B}31m") == "\\x9B31m")  // C1 CSI
        #expect(TerminalText.escaped("abc\u{202E}fed") == "abc\\u{202E}fed")  // right-to-left override
        #expect(TerminalText.escaped("Zoë Æsir, 東京") == "Zoë Æsir, 東京")
        #expect(!TerminalText.hasControlCharacters("plain") && TerminalText.hasControlCharacters("x\u{7F}"))
    }
}

@Suite struct CSVTextTests {
    @Test(arguments: ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "'quoted", "''", "A000001", "", "é=1"])
    func neutralizedCellsReadBackExactly(text: String) {
        let cell = CSVText.neutralized(text)
        #expect(CSVText.unneutralized(cell) == text)
        #expect(!["=", "+", "-", "@", "\t", "\r"].contains { cell.hasPrefix($0) })
        #expect((cell == text) == !["=", "+", "-", "@", "\t", "\r", "'"].contains { text.hasPrefix($0) })
    }

    @Test func fieldsAreQuotedOnlyWhenTheyMustBe() {
        #expect(CSVText.field("plain") == "plain")
        #expect(CSVText.field("a,b") == "\"a,b\"" && CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"" && CSVText.field("a\r\nb") == "\"a\r\nb\"")
        var out: [UInt8] = []
        CSVText.appendCell("=1+1", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "'=1+1")
        #expect(CSVText.number(12) == "12" && CSVText.number(0.25) == "0.25" && CSVText.number(1e-5) == "1e-05")
    }
}

@Suite struct InputFileTests {
    @Test func onlyRegularFilesAreRead() throws {
        let dir = try TemporaryDirectory("input-file")
        defer { dir.remove() }
        let file = try dir.write("a.csv", "x\n")
        #expect(try InputFile.inspect(file) == .regular(bytes: 2))
        #expect(try InputFile.inspect(dir.path("absent.csv")) == .absent)
        #expect(mkfifo(dir.path("fifo"), 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir.path("dangling"), withDestinationPath: dir.path("nowhere"))
        try FileManager.default.createSymbolicLink(atPath: dir.path("loop"), withDestinationPath: dir.path("loop"))
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.csv"), withDestinationPath: file)
        #expect(try InputFile.inspect(dir.path("link.csv")) == .regular(bytes: 2))
        for (path, reason) in [(dir.path("fifo"), "is a FIFO"), (dir.path("dangling"), "dangling link"), (dir.path("loop"), "link loop"),
                               (dir.path, "is a directory"), ("/dev/null", "is a character device")] {
            #expect { try InputFile.inspect(path) } throws: { error in (error as? InputFile.Problem)?.reason.contains(reason) == true }
        }
        #expect { try InputFile.regular(file, maximumBytes: 1, what: "a model file") } throws: { error in
            (error as? InputFile.Problem)?.isTooLarge == true
        }
        #expect(InputFile.directoryProblem(dir.path) == nil)
        #expect(InputFile.directoryProblem(file)?.reason == "not a directory")
    }
}
