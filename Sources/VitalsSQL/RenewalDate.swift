/// `SignalsIndex.nextRenewal` in SQL: the first contract anniversary strictly after a date.
///
/// The index steps the anchor (renewal_date, else contract_start) by ±12 months until it
/// lies after the date with its predecessor on or before it. Twelve-month steps keep the day
/// of the month, except that 29 February becomes 28 February at the first step and stays so.
/// So the anniversaries are, per year y: the anchor itself in its own year, else (y, its month,
/// its day, or 28 for a 29 February anchor); the answer is this year's when it lies after the
/// date, else next year's.
enum RenewalDate {
    static func next(anchor: SQLExpression, after day: SQLExpression) -> SQLExpression {
        let year = SQLExpression.datePart(.year, day)
        func anniversary(_ y: SQLExpression) -> SQLExpression {
            let month = SQLExpression.datePart(.month, anchor), dayOfMonth = SQLExpression.datePart(.day, anchor)
            let leapDay = month.equals(.integer(2)).and(dayOfMonth.equals(.integer(29)))
            return .when(y.equals(.datePart(.year, anchor)), then: anchor,
                         else: .makeDate(year: y, month: month, day: .when(leapDay, then: .integer(28), else: dayOfMonth)))
        }
        let thisYear = anniversary(year)
        return .when(thisYear.greater(day), then: thisYear, else: anniversary(year + .integer(1)))
    }
}
