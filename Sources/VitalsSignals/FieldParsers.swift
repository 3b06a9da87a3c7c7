#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Allocation-free parsers for the contract's value types, over the raw bytes of
/// one field. Each returns `nil` when the text is not of the type; range checks
/// are the caller's, so it can say which rule was broken.
enum FieldParsers {
    private static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
    private static let plus = UInt8(ascii: "+"), minus = UInt8(ascii: "-"), dot = UInt8(ascii: ".")

    /// The field without leading and trailing spaces and tabs.
    @inline(__always)
    static func trimmed(_ f: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = f.count
        while lo < hi, f[lo] == 32 || f[lo] == 9 { lo += 1 }
        while hi > lo, f[hi - 1] == 32 || f[hi - 1] == 9 { hi -= 1 }
        if lo == 0 && hi == f.count { return f }
        return UnsafeBufferPointer(rebasing: f[lo..<hi])
    }

    /// A count: ASCII digits only, at most `Int32.max`.
    @inline(__always)
    static func count(_ f: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !f.isEmpty, f.count <= 10 else { return nil }
        var value: Int64 = 0
        for c in f {
            let d = c &- zero
            guard d <= 9 else { return nil }
            value = value * 10 + Int64(d)
        }
        return value <= Int64(Int32.max) ? Int32(value) : nil
    }

    /// An integer: optional sign, then digits. Bounded to ±10¹⁸ so it cannot overflow.
    static func integer(_ f: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0, negative = false
        if i < f.count, f[i] == plus || f[i] == minus {
            negative = f[i] == minus
            i += 1
        }
        guard i < f.count, f.count - i <= 18 else { return nil }
        var value = 0
        while i < f.count {
            let d = f[i] &- zero
            guard d <= 9 else { return nil }
            value = value * 10 + Int(d)
            i += 1
        }
        return negative ? -value : value
    }

    /// Whether the field is a decimal in the contract's syntax:
    /// `[+-]?(digits[.digits*] | .digits)([eE][+-]?digits)?`. No `nan`, `inf`,
    /// hex, thousands separators or decimal commas.
    static func isDecimalSyntax(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = f.count
        if i < n, f[i] == plus || f[i] == minus { i += 1 }
        var mantissaDigits = 0
        while i < n, f[i] &- zero <= 9 { i += 1; mantissaDigits += 1 }
        if i < n, f[i] == dot {
            i += 1
            while i < n, f[i] &- zero <= 9 { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if i < n, f[i] == UInt8(ascii: "e") || f[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, f[i] == plus || f[i] == minus { i += 1 }
            let expStart = i
            while i < n, f[i] &- zero <= 9 { i += 1 }
            guard i > expStart else { return false }
        }
        return i == n
    }

    /// A decimal, correctly rounded. Returns ±infinity for overflow (the caller
    /// rejects it as non-finite) and `nil` for bad syntax.
    ///
    /// Plain decimals with at most 15 significant digits and 22 fraction digits
    /// take Clinger's fast path (an exact integer divided by an exact power of
    /// ten is correctly rounded); anything else goes through `strtod`.
    static func decimal(_ f: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = f.count
        var negative = false
        if i < n, f[i] == plus || f[i] == minus {
            negative = f[i] == minus
            i += 1
        }
        var mantissa: UInt64 = 0, digits = 0, fractionDigits = 0
        var simple = true
        while i < n, f[i] &- zero <= 9 {
            mantissa = mantissa &* 10 &+ UInt64(f[i] &- zero)
            if mantissa != 0 || digits > 0 { digits += 1 }
            i += 1
        }
        if i < n, f[i] == dot {
            i += 1
            while i < n, f[i] &- zero <= 9 {
                mantissa = mantissa &* 10 &+ UInt64(f[i] &- zero)
                if mantissa != 0 || digits > 0 { digits += 1 }
                fractionDigits += 1
                i += 1
            }
        }
        if i != n { simple = false }  // an exponent, or bad syntax
        if simple, digits <= 15, fractionDigits <= 22 {
            guard isDecimalSyntax(f) else { return nil }
            let value = Double(mantissa) / powersOfTen[fractionDigits]
            return negative ? -value : value
        }
        guard isDecimalSyntax(f) else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { text in
            for k in 0..<n { text[k] = CChar(bitPattern: f[k]) }
            text[n] = 0
            return strtod(text.baseAddress!, nil)
        }
    }

    private static let powersOfTen: [Double] = (0...22).map { k in
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }

    /// `true/false`, `yes/no`, `1/0`, any case.
    static func boolean(_ f: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch f.count {
        case 1:
            if f[0] == UInt8(ascii: "1") { return true }
            if f[0] == UInt8(ascii: "0") { return false }
            return nil
        case 2: return equalsIgnoringCase(f, "no") ? false : nil
        case 3: return equalsIgnoringCase(f, "yes") ? true : nil
        case 4: return equalsIgnoringCase(f, "true") ? true : nil
        case 5: return equalsIgnoringCase(f, "false") ? false : nil
        default: return nil
        }
    }

    /// ASCII case-insensitive comparison with a lower-case word.
    static func equalsIgnoringCase(_ f: UnsafeBufferPointer<UInt8>, _ lowercaseWord: StaticString) -> Bool {
        guard f.count == lowercaseWord.utf8CodeUnitCount else { return false }
        let w = lowercaseWord.utf8Start
        for k in 0..<f.count where asciiLowercase(f[k]) != w[k] { return false }
        return true
    }

    static func equalsIgnoringCase(_ f: UnsafeBufferPointer<UInt8>, _ lowercaseWord: [UInt8]) -> Bool {
        guard f.count == lowercaseWord.count else { return false }
        for k in 0..<f.count where asciiLowercase(f[k]) != lowercaseWord[k] { return false }
        return true
    }

    @inline(__always)
    static func asciiLowercase(_ c: UInt8) -> UInt8 {
        c &- UInt8(ascii: "A") < 26 ? c | 0x20 : c
    }

    /// Whether the field spells a NaN or an infinity (`nan`, `inf`, `-Infinity`, any case), which
    /// `decimal` refuses as syntax but the user should hear about as a non-finite number.
    static func isNonFiniteWord(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        var word = f
        if let first = word.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            word = UnsafeBufferPointer(rebasing: word.dropFirst())
        }
        return equalsIgnoringCase(word, "nan") || equalsIgnoringCase(word, "inf") || equalsIgnoringCase(word, "infinity")
    }

    /// The field as text for an error message: valid UTF-8 is shown as is (cut at
    /// 40 characters), invalid bytes are replaced.
    static func display(_ f: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: f.prefix(160), as: UTF8.self)
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
