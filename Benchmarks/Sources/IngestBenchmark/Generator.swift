#if canImport(Glibc)
import BenchmarkSupport
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VitalsFoundation
import VitalsSignals

// Writes a synthetic signals directory byte by byte: accounts.csv and a daily
// product-analytics usage.csv of about the requested size. Deterministic: the
// same seed, account count and size give the same bytes.

struct GeneratedData {
    let accountRows: Int
    let usageRows: Int
}

enum Generator {
    private static let companies = [
        "Northwind", "Blue Harbor", "Ironbark", "Lumen", "Cobalt", "Redwood", "Meridian", "Atlas", "Kestrel",
        "Summit", "Brightline", "Granite", "Pioneer", "Silverleaf", "Tidewater", "Evergreen", "Copperfield",
        "Harborview", "Juniper", "Westgate", "Oakridge", "Polaris", "Sterling", "Aurora", "Bluestone",
        "Crescent", "Driftwood", "Foxglove", "Halcyon", "Larkspur",
    ]
    private static let trades = [
        "Logistics", "Health", "Labs", "Retail", "Analytics", "Foods", "Capital", "Energy", "Systems",
        "Media", "Robotics", "Insurance", "Manufacturing", "Software", "Partners", "Travel", "Biotech",
    ]
    private static let legalForms = [", Inc.", ", LLC", ", Ltd.", " GmbH", " S.A.", " AG", " plc", ""]
    private static let csms = [
        "Dana Whitfield", "Priya Natarajan", "Marcus Oyelaran", "Sofia Lindqvist", "Kenji Watanabe",
        "Amara Okafor", "Lucas Moreau", "Hannah Becker", "Diego Fernández", "Mei Chen", "Omar Haddad",
        "Chloé Dubois", "Ravi Iyer", "Zoe Papadopoulos", "Tomás Novák", "Aisha Rahman",
    ]

    /// Writes accounts.csv and usage.csv into `directory` (which must exist).
    /// usage.csv: one row per account and active day, day by day (the way a daily export
    /// is appended), until it holds `usageBytes` bytes.
    static func write(directory: String, accounts: Int, usageBytes: Int, seed: UInt64) throws -> GeneratedData {
        var rng = SplitMix64(seed: seed)
        let epoch = Day(year: 2019, month: 1, day: 1)!

        // accounts.csv, with the per-account parameters usage needs.
        var seats = [Int](repeating: 0, count: accounts)
        var adoption = [Double](repeating: 0, count: accounts)  // share of seats active on a weekday
        var depth = [Double](repeating: 0, count: accounts)  // key events per session
        var ids: [[UInt8]] = []
        ids.reserveCapacity(accounts)
        let a = try ByteWriter(path: directory + "/accounts.csv")
        a.text("account_id,name,segment,csm,arr,seats,contract_start,renewal_date,churn_date")
        a.endRow()
        var date: [UInt8] = []
        for k in 0..<accounts {
            var id = Array("A".utf8)
            let number = String(k + 1)
            id += Array(repeating: UInt8(ascii: "0"), count: max(0, 6 - number.utf8.count)) + Array(number.utf8)
            ids.append(id)

            let segmentDraw = rng.unit()
            let (segment, lo, hi): (String, Double, Double) =
                segmentDraw < 0.1 ? ("enterprise", 300, 5000) : segmentDraw < 0.4 ? ("mid-market", 40, 400) : ("smb", 3, 50)
            seats[k] = Int(lo * pow(hi / lo, rng.unit()))  // log-uniform
            adoption[k] = 0.15 + 0.7 * rng.unit()
            depth[k] = 1.5 + 6 * rng.unit()

            var name = companies[rng.below(companies.count)] + " " + trades[rng.below(trades.count)]
            let form = rng.below(100)
            if form < 6 {
                name += legalForms[form]  // ", Inc." and the like: the field needs quoting
            } else if form == 6 {
                name = "Café \"\(companies[rng.below(companies.count)])\" SARL"  // quotes inside, escaped as ""
            }

            a.bytes(id)
            a.byte(UInt8(ascii: ","))
            if name.contains(",") || name.contains("\"") {
                a.text("\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            } else {
                a.text(name)
            }
            a.byte(UInt8(ascii: ","))
            a.text(segment)
            a.byte(UInt8(ascii: ","))
            a.text(csms[rng.below(csms.count)])
            a.byte(UInt8(ascii: ","))
            a.cents(seats[k] * (30_000 + rng.below(90_000)))
            a.byte(UInt8(ascii: ","))
            a.int(seats[k])
            a.byte(UInt8(ascii: ","))
            let start = epoch + rng.below(4 * 365)
            date.removeAll(keepingCapacity: true)
            start.append(to: &date)
            a.bytes(date)
            a.byte(UInt8(ascii: ","))
            date.removeAll(keepingCapacity: true)
            (start + 365 * (1 + rng.below(3))).append(to: &date)
            a.bytes(date)
            a.byte(UInt8(ascii: ","))
            if rng.below(100) < 8 {
                date.removeAll(keepingCapacity: true)
                (start + 200 + rng.below(900)).append(to: &date)
                a.bytes(date)
            }
            a.endRow()
        }
        try a.close()

        // usage.csv: day by day from Monday 2023-01-02, every account with activity that day.
        let u = try ByteWriter(path: directory + "/usage.csv")
        u.text(SignalsFile.usage.canonicalHeader)
        u.endRow()
        var rows = 0
        let first = Day(year: 2023, month: 1, day: 2)!
        var dayIndex = 0
        days: while true {
            date.removeAll(keepingCapacity: true)
            (first + dayIndex).append(to: &date)
            let weekend = dayIndex % 7 >= 5
            let season = 1 + 0.1 * sin(Double(dayIndex) * 2 * Double.pi / 365)
            for k in 0..<accounts {
                let share = adoption[k] * season * (weekend ? 0.12 : 1) * (0.75 + 0.5 * rng.unit())
                let activeUsers = Int(Double(seats[k]) * share)
                if activeUsers == 0 { continue }  // no activity, no row
                let sessions = activeUsers + Int(Double(activeUsers) * 2.5 * rng.unit())
                let keyEvents = Int(Double(sessions) * depth[k] * (0.5 + rng.unit()))
                let started = keyEvents / (8 + rng.below(30))
                let completed = Int(Double(started) * (0.55 + 0.45 * rng.unit()))
                u.bytes(ids[k])
                u.byte(UInt8(ascii: ","))
                u.bytes(date)
                u.byte(UInt8(ascii: ","))
                u.int(activeUsers)
                u.byte(UInt8(ascii: ","))
                u.int(sessions)
                u.byte(UInt8(ascii: ","))
                u.int(keyEvents)
                u.byte(UInt8(ascii: ","))
                u.int(started)
                u.byte(UInt8(ascii: ","))
                u.int(completed)
                u.endRow()
                rows += 1
                if rows & 1023 == 0, u.size >= usageBytes { break days }
            }
            dayIndex += 1
        }
        try u.close()
        return GeneratedData(accountRows: accounts, usageRows: rows)
    }
}
