/// Summary statistics used in more than one stage, defined once.
public enum Statistics {
    /// The median of values sorted ascending: the middle value, or the mean of the two middle
    /// values for an even count (numpy's `median`). Nil when empty.
    public static func median(sorted values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
    }

    /// The median of values in any order (see `median(sorted:)`); NaNs must be left out first.
    public static func median(_ values: [Double]) -> Double? { median(sorted: values.sorted()) }
}
