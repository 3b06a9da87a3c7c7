import VitalsSignals

/// Builds CSV as bytes: no `String` per field, no locale, no `String(format:)`,
/// so the output is the same everywhere and fast to produce.
struct CSVByteWriter {
    private(set) var bytes: [UInt8] = []
    private var atLineStart = true

    init(header: String, reserve: Int = 1 << 16) {
        bytes.reserveCapacity(reserve)
        bytes.append(contentsOf: header.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func separator() {
        if !atLineStart { bytes.append(UInt8(ascii: ",")) }
        atLineStart = false
    }

    /// Text, quoted only when it holds a comma, quote or line break.
    mutating func text(_ value: String?) {
        separator()
        guard let value else { return }
        if value.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            bytes.append(34)
            for b in value.utf8 {
                if b == 34 { bytes.append(34) }
                bytes.append(b)
            }
            bytes.append(34)
        } else {
            bytes.append(contentsOf: value.utf8)
        }
    }

    mutating func int(_ value: Int?) {
        separator()
        guard var v = value else { return }
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            v = -v
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            } while v > 0
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
    }

    /// A decimal with at most `places` fraction digits, trailing zeros dropped: 7.25, 8, -12.5.
    mutating func decimal(_ value: Double?, places: Int = 2) {
        guard let value else { separator(); return }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        let negative = value < 0 && scaled != 0
        let whole = scaled / scale
        var fraction = scaled % scale
        var fractionPlaces = places
        while fractionPlaces > 0 && fraction % 10 == 0 {
            fraction /= 10
            fractionPlaces -= 1
        }
        int(negative ? -whole : whole)
        if negative && whole == 0 { bytes.insert(UInt8(ascii: "-"), at: bytes.count - 1) }
        if fractionPlaces > 0 {
            bytes.append(UInt8(ascii: "."))
            var divisor = 1
            for _ in 1..<fractionPlaces { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
                divisor /= 10
            }
        }
    }

    mutating func day(_ value: Day?) {
        separator()
        value?.append(to: &bytes)
    }

    mutating func bool(_ value: Bool?) {
        separator()
        guard let value else { return }
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        atLineStart = true
    }
}
