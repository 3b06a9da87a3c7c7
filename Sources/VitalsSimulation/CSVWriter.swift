import VitalsFoundation
import VitalsSignals

/// Rows of one CSV file as bytes, written field by field.
///
/// No `String` per field, no `String(format:)`, no locale: integers and
/// decimals are formatted by integer arithmetic, so the bytes are the same on
/// every machine and a million rows cost a few milliseconds. The header is not
/// part of the buffer; `OutputDirectory` writes it once per file.
struct CSVWriter {
    private(set) var bytes: [UInt8] = []
    /// Rows ended so far.
    private(set) var rows = 0
    private var atRowStart = true

    init(reserve: Int = 0) { bytes.reserveCapacity(reserve) }

    /// Empties the buffer for the next batch, keeping its capacity.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        rows = 0
        atRowStart = true
    }

    @inline(__always)
    private mutating func separator() {
        if atRowStart { atRowStart = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        atRowStart = true
        rows += 1
    }

    /// Text, quoted as `CSVText` quotes every field Vitals writes; `nil` is the empty field.
    mutating func text(_ value: String?) {
        separator()
        guard let value else { return }
        CSVText.appendField(value, to: &bytes)
    }

    /// Bytes known to need no quoting (ids and words the simulator builds itself).
    mutating func raw(_ value: [UInt8]) {
        separator()
        bytes.append(contentsOf: value)
    }

    mutating func int(_ value: Int?) {
        separator()
        guard let value else { return }
        appendInteger(value)
    }

    private mutating func appendInteger(_ value: Int) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    /// A decimal rounded to `places` fraction digits (half away from zero), trailing
    /// zeros dropped: `7.25`, `8`, `-12.5`, `0.1234`. `nil` is the empty field.
    ///
    /// - Parameters: places 0…9, default 2.
    mutating func decimal(_ value: Double?, places: Int = 2) {
        separator()
        guard let value else { return }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        if value < 0 && scaled != 0 { bytes.append(UInt8(ascii: "-")) }
        appendInteger(scaled / scale)
        var fraction = scaled % scale
        guard fraction != 0 else { return }
        var digits = places
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        bytes.append(UInt8(ascii: "."))
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    /// Hours held as a whole number of quarter hours: `7.25`, `8`, `-0.5`.
    mutating func quarterHours(_ quarters: Int) {
        separator()
        if quarters < 0 { bytes.append(UInt8(ascii: "-")) }
        let q = quarters.magnitude
        appendInteger(Int(q / 4))
        switch q % 4 {
        case 1: bytes.append(contentsOf: [46, 50, 53])  // .25
        case 2: bytes.append(contentsOf: [46, 53])  // .5
        case 3: bytes.append(contentsOf: [46, 55, 53])  // .75
        default: break
        }
    }

    /// `YYYY-MM-DD`; `nil` is the empty field.
    mutating func day(_ value: Day?) {
        separator()
        value?.append(to: &bytes)
    }

    /// `true` / `false`; `nil` is the empty field.
    mutating func bool(_ value: Bool?) {
        separator()
        guard let value else { return }
        bytes.append(contentsOf: value ? [116, 114, 117, 101] : [102, 97, 108, 115, 101])
    }
}
