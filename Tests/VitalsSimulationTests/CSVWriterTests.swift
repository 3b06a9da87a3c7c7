import Testing
import VitalsFoundation
import VitalsSignals

@testable import VitalsSimulation

@Suite struct CSVWriterTests {
    private func row(_ fill: (inout CSVWriter) -> Void) -> String {
        var w = CSVWriter()
        fill(&w)
        w.endRow()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test func numbersAreFormattedWithoutLocaleOrTrailingZeros() {
        #expect(row { $0.int(0); $0.int(-17); $0.int(1_234_567); $0.int(nil) } == "0,-17,1234567,\n")
        #expect(row { $0.decimal(7.25); $0.decimal(8); $0.decimal(-12.5); $0.decimal(0.1) } == "7.25,8,-12.5,0.1\n")
        #expect(row { $0.decimal(0.12345, places: 4); $0.decimal(-0.00004, places: 4); $0.decimal(2.999, places: 2) }
            == "0.1235,0,3\n")
        #expect(row { $0.decimal(nil); $0.decimal(1e9 + 0.5, places: 1) } == ",1000000000.5\n")
        #expect(row { $0.quarterHours(29); $0.quarterHours(32); $0.quarterHours(-2); $0.quarterHours(3); $0.quarterHours(0) }
            == "7.25,8,-0.5,0.75,0\n")
    }

    @Test func textIsQuotedOnlyWhenItMustBe() {
        #expect(row { $0.text("Acme Labs"); $0.text("a,b"); $0.text("say \"hi\""); $0.text("two\nlines"); $0.text(nil) }
            == "Acme Labs,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n")
    }

    @Test func datesAndBooleans() {
        #expect(row { $0.day(Day("2024-02-29")); $0.day(nil); $0.bool(true); $0.bool(false); $0.bool(nil) }
            == "2024-02-29,,true,false,\n")
    }

    @Test func apportionedPartsAreWholeProportionalAndAddUp() {
        let weights = [0.1, 0.25, 0.0, 0.4, 0.25, 1e-9]
        for total in [0, 1, 7, 400, 12_345] {
            let parts = AccountSimulation.apportion(total, by: weights)
            #expect(parts.reduce(0, +) == total)
            #expect(parts[2] == 0)
            for (part, w) in zip(parts, weights) {
                #expect(abs(Double(part) - Double(total) * w / 1.000000001) < 1, "\(parts) for \(total)")
            }
        }
    }
}
