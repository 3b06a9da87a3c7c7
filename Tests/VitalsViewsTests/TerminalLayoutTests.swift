import Testing

@testable import VitalsViews
import VitalsFoundation
import VitalsSignals

struct TerminalLayoutTests {
    @Test func cellsCutWithAnEllipsisAndPad() {
        #expect(cell("Mid-Market", 3) == "Mi…")
        #expect(cell("SMB", 5) == "SMB  ")
        #expect(cell("42", 4, right: true) == "  42")
        #expect(cell("", 2) == "  ")
    }

    @Test func wrapKeepsEveryLineWithinTheWidth() {
        let text = "↳ usage down 38 % over 90 days; 2 urgent or high tickets in 90 days; NPS detractor in May (4); renewal in 25 days"
        for width in [60, 80, 120] {
            let lines = wrap(text, width: width, indent: "       ")
            #expect(!lines.isEmpty && lines.count <= 2)
            #expect(lines.allSatisfy { $0.count <= width && $0.hasPrefix("       ") })
        }
        // Too long for two lines: the second ends with an ellipsis.
        let long = wrap(String(repeating: "word ", count: 60), width: 40, indent: "  ")
        #expect(long.count == 2 && long[1].hasSuffix("…"))
    }

    @Test func colourOnlyWhenAsked() {
        #expect(TerminalStyle(width: 80, color: false).paint("high", .red) == "high")
        #expect(TerminalStyle(width: 80, color: true).paint("high", .red) == "\u{1B}[31mhigh\u{1B}[0m")
        #expect(!TerminalStyle(width: 80).isWide && TerminalStyle(width: 120).isWide)
    }

    @Test func changesShowDirectionInPercentagePoints() {
        #expect(changeText(0.123).text == "▲ +12.3")
        #expect(changeText(-0.05).text == "▼ -5.0")
        #expect(changeText(0.00001).text == "= 0.0")
        #expect(changeText(nil).text == "—")
        #expect(percentText(0.8214) == "82.1%")
    }

    @Test func moneyAndMonthsReadNaturally() {
        #expect(DriverPhrase.money(9806) == "$9.8k")
        #expect(DriverPhrase.money(49_606) == "$50k")
        #expect(DriverPhrase.money(1_260_000) == "$1.3M")
        #expect(DriverPhrase.money(420) == "$420")
        let asOf = Day(year: 2025, month: 12, day: 31)!
        #expect(DriverPhrase.monthName(Day(year: 2025, month: 5, day: 3)!, relativeTo: asOf) == "May")
        #expect(DriverPhrase.monthName(Day(year: 2024, month: 11, day: 3)!, relativeTo: asOf) == "November 2024")
        #expect(DriverPhrase.count(1, "ticket") == "1 ticket" && DriverPhrase.count(2, "SLA breach", plural: "SLA breaches") == "2 SLA breaches")
    }
}
