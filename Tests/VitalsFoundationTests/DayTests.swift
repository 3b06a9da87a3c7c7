import Testing
import VitalsFoundation
import VitalsSignals

@Suite struct DayTests {
    @Test func knownOrdinalsAndWeekdays() {
        #expect(Day(year: 1970, month: 1, day: 1)!.ordinal == 0)
        #expect(Day(year: 2000, month: 3, day: 1)!.ordinal == 11_017)
        #expect(Day(year: 1969, month: 12, day: 31)!.ordinal == -1)
        #expect(Day(year: 2024, month: 1, day: 1)!.isoWeekday == 1)  // a Monday
        #expect(Day(year: 2024, month: 1, day: 7)!.isoWeekday == 7)
        #expect(Day(year: 1969, month: 12, day: 28)!.isoWeekday == 7)
    }

    @Test func componentsRoundTripForTwoCenturies() {
        var previous: Day?
        for ordinal in Int32(-25_567)...Int32(47_482) {  // 1900-01-01 … 2099-12-31
            let day = Day(ordinal: ordinal)
            let (y, m, d) = day.components
            #expect(Day(year: y, month: m, day: d) == day)
            if let previous { #expect(previous < day) }
            previous = day
        }
    }

    @Test func impossibleDatesAreRejected() {
        #expect(Day(year: 2025, month: 2, day: 29) == nil)
        #expect(Day(year: 2024, month: 2, day: 29) != nil)
        #expect(Day(year: 1900, month: 2, day: 29) == nil)
        #expect(Day(year: 2000, month: 2, day: 29) != nil)
        #expect(Day(year: 2024, month: 4, day: 31) == nil)
        #expect(Day(year: 2024, month: 13, day: 1) == nil)
        #expect(Day(year: 0, month: 1, day: 1) == nil)
    }

    @Test(arguments: [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T00:00:00Z", "2024-03-05"),
        ("2024-03-05T23:59:59.999Z", "2024-03-05"),
        ("2024-03-05T23:30:00-02:00", "2024-03-06"),  // 01:30 UTC the next day
        ("2024-03-01T01:00:00+02:00", "2024-02-29"),  // 23:00 UTC the day before, a leap day
        ("2024-12-31T22:00:00-05:00", "2025-01-01"),
        ("2024-03-05t10:00:00z", "2024-03-05"),
    ])
    func parsesDatesAndTimestampsAsUTCDates(text: String, expected: String) {
        #expect(Day(text)?.description == expected)
    }

    @Test(arguments: [
        "2024-3-05", "2024/03/05", "05-03-2024", "2024-02-30", "2024-03-05T", "2024-03-05T10:00:00",
        "2024-03-05T24:00:00Z", "2024-03-05T10:00Z", "2024-03-05 10:00:00Z", "2024-03-05T10:00:00+0200",
        "2024-03-05T10:00:00.Z", "2024-03-05x", "", "20240305",
    ])
    func rejectsOtherSpellings(text: String) {
        #expect(Day(text) == nil)
    }

    @Test func monthArithmeticClampsToMonthEnd() {
        let jan31 = Day("2025-01-31")!
        #expect(jan31.adding(months: 1).description == "2025-02-28")
        #expect(Day("2024-01-31")!.adding(months: 1).description == "2024-02-29")
        #expect(jan31.adding(months: -2).description == "2024-11-30")
        #expect(jan31.adding(months: 12).description == "2026-01-31")
        #expect(Day("2024-02-29")!.adding(months: 12).description == "2025-02-28")
        #expect(jan31.startOfMonth.description == "2025-01-01")
        #expect(Day("2025-03-01")! - Day("2025-02-01")! == 28)
    }

    @Test func appendWritesTheSameTextAsDescription() {
        var bytes: [UInt8] = []
        Day("0987-06-05")!.append(to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "0987-06-05")
        #expect(Day("0987-06-05")!.description == "0987-06-05")
    }
}
