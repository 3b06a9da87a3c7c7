#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import VitalsFoundation

/// Parses one column of one file into typed storage, a row at a time.
///
/// A row is first *staged* (every field parsed and checked), and only a row
/// without problems is *committed*, so `--skip-invalid` drops whole rows and a
/// strict read finds every problem in one pass. Fields are byte ranges of the
/// scanner's buffer and are only valid until the next record, so text is
/// interned at commit, within the same record.
final class ColumnBuilder {
    let spec: ColumnSpec
    /// The field position in the file's header.
    let fieldIndex: Int

    // Unchecked exclusivity: these are touched once per field on the hot path, only from the
    // reading thread, and the dynamic checks on class properties cost more than the parsing.
    @exclusivity(unchecked) private(set) var int32s: [Int32] = []
    @exclusivity(unchecked) private(set) var int8s: [Int8] = []
    @exclusivity(unchecked) private(set) var doubles: [Double] = []
    @exclusivity(unchecked) private(set) var text = ByteInterner()

    @exclusivity(unchecked) private var stagedInt32: Int32 = 0
    @exclusivity(unchecked) private var stagedInt8: Int8 = 0
    @exclusivity(unchecked) private var stagedDouble: Double = 0
    @exclusivity(unchecked) private var stagedBytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    @exclusivity(unchecked) private var stagedMissing = false
    private let lowercaseWords: [[UInt8]]
    /// `spec.kind` without its payload, so the per-field switch copies nothing.
    private let tag: Tag
    private let decimalRange: DecimalRange?
    private let integerRange: ClosedRange<Int>

    private enum Tag: UInt8 {
        case text, key, accountReference, projectReference, date, decimal, count, boolean, integer, enumeration
        var isText: Bool { rawValue <= Tag.projectReference.rawValue }
        var isSmallInt: Bool { self == .boolean || self == .integer || self == .enumeration }
    }

    init(spec: ColumnSpec, fieldIndex: Int, expectedRows: Int) {
        self.spec = spec
        self.fieldIndex = fieldIndex
        var words: [String] = [], decimalRange: DecimalRange? = nil, integerRange = 0...0
        switch spec.kind {
        case .text: tag = .text
        case .key: tag = .key
        case .accountReference: tag = .accountReference
        case .projectReference: tag = .projectReference
        case .date: tag = .date
        case .decimal(let range): tag = .decimal; decimalRange = range
        case .count: tag = .count
        case .boolean: tag = .boolean
        case .integer(let range): tag = .integer; integerRange = range
        case .enumeration(let allowed): tag = .enumeration; words = allowed
        }
        self.lowercaseWords = words.map { Array($0.lowercased().utf8) }
        self.decimalRange = decimalRange
        self.integerRange = integerRange
        switch spec.kind {
        case .date, .count, .accountReference, .projectReference, .text, .key: int32s.reserveCapacity(expectedRows)
        case .decimal: doubles.reserveCapacity(expectedRows)
        case .boolean, .integer, .enumeration: int8s.reserveCapacity(expectedRows)
        }
    }

    /// The value staged for this row: a date ordinal, count, reference code or enumeration index.
    var stagedValue: Int32? { stagedMissing ? nil : (tag.isSmallInt ? Int32(stagedInt8) : stagedInt32) }

    /// Parses and checks one field. Returns the problem, or `nil` when the value is good.
    func stage(_ raw: UnsafeBufferPointer<UInt8>, context: inout ReadContext, file: SignalsFile, line: Int)
        -> (rule: SignalsRule, message: String)?
    {
        let f = tag.isText ? raw : FieldParsers.trimmed(raw)
        if f.isEmpty {
            if spec.required { return (.requiredValueMissing, "required value is empty; every row needs one") }
            stagedMissing = true
            return nil
        }
        stagedMissing = false
        switch tag {
        case .text:
            guard Self.isValidUTF8(f) else { return (.invalidUTF8, "invalid UTF-8 in text; export the file as UTF-8") }
            stagedBytes = f

        case .key:
            guard Self.isValidUTF8(f) else { return (.invalidUTF8, "invalid UTF-8 in text; export the file as UTF-8") }
            stagedBytes = f
            if let first = context.keyLine(file: file, f) {
                return (.duplicateKey, "duplicate key \"\(FieldParsers.display(f))\" (first on line \(first)); keys must be unique")
            }
            if !context.skipInvalid { context.addKey(file: file, f, line: line) }

        case .accountReference:
            guard let code = context.accounts.code(of: f) else {
                return (.unknownAccount, "unknown account \"\(FieldParsers.display(f))\" (not in accounts.csv); add the account there or remove the row")
            }
            stagedInt32 = code

        case .projectReference:
            guard let code = context.projects.code(of: f) else {
                return (.unknownProject, "unknown project \"\(FieldParsers.display(f))\" (not in projects.csv); add the project there or remove the row")
            }
            stagedInt32 = code

        case .date:
            guard let day = Day.parse(f) else {
                return (.invalidDate, "\"\(FieldParsers.display(f))\" is not a valid date; expected YYYY-MM-DD (or an ISO 8601 timestamp)")
            }
            guard Day.plausible.contains(day) else {
                return (.implausibleDate, "\(day) is outside \(Day.plausible.lowerBound) to \(Day.plausible.upperBound); is the year mistyped?")
            }
            stagedInt32 = day.ordinal

        case .decimal:
            guard let value = FieldParsers.decimal(f) else {
                if FieldParsers.isNonFiniteWord(f) { return (.nonFiniteNumber, Self.nonFiniteMessage(f)) }
                return (.invalidNumber, "\"\(FieldParsers.display(f))\" is not a number; use . as the decimal point and no thousands separators")
            }
            guard value.isFinite else { return (.nonFiniteNumber, Self.nonFiniteMessage(f)) }
            if let problem = decimalRange?.problem(value, text: FieldParsers.display(f)) { return (.outOfRange, problem) }
            stagedDouble = value

        case .count:
            guard let value = FieldParsers.count(f) else {
                return (.invalidCount, "\"\(FieldParsers.display(f))\" is not a count; expected a whole number ≥ 0")
            }
            stagedInt32 = value

        case .boolean:
            guard let value = FieldParsers.boolean(f) else {
                return (.invalidBoolean, "\"\(FieldParsers.display(f))\" is not a boolean; expected true/false, yes/no or 1/0")
            }
            stagedInt8 = value ? 1 : 0

        case .integer:
            guard let value = FieldParsers.integer(f) else {
                return (.invalidInteger, "\"\(FieldParsers.display(f))\" is not a whole number; expected digits only, such as 4")
            }
            guard integerRange.contains(value) else {
                return (.outOfRange, "\(value) is out of range; must be \(integerRange.lowerBound)–\(integerRange.upperBound)")
            }
            stagedInt8 = Int8(value)

        case .enumeration:
            guard let index = lowercaseWords.firstIndex(where: { FieldParsers.equalsIgnoringCase(f, $0) }) else {
                let words = lowercaseWords.map { String(decoding: $0, as: UTF8.self) }
                return (.notInEnumeration, "\"\(FieldParsers.display(f))\" is not one of \(words.joined(separator: ", "))")
            }
            stagedInt8 = Int8(index)
        }
        return nil
    }

    private static func nonFiniteMessage(_ f: UnsafeBufferPointer<UInt8>) -> String {
        "\"\(FieldParsers.display(f))\" is not a finite number; NaN and infinities would poison every score, so give a real value or leave the field empty"
    }

    /// Appends the staged value.
    func commit(context: inout ReadContext, file: SignalsFile, line: Int) {
        switch tag {
        case .text:
            int32s.append(stagedMissing ? TextColumn.missing : text.intern(stagedBytes).code)
        case .key:
            if context.skipInvalid { context.addKey(file: file, stagedBytes, line: line) }
            int32s.append(text.intern(stagedBytes).code)
        case .date:
            int32s.append(stagedMissing ? DayColumn.missing : stagedInt32)
        case .count:
            int32s.append(stagedMissing ? CountColumn.missing : stagedInt32)
        case .accountReference, .projectReference:
            int32s.append(stagedInt32)
        case .decimal:
            doubles.append(stagedMissing ? .nan : stagedDouble)
        case .boolean, .integer, .enumeration:
            int8s.append(stagedMissing ? -1 : stagedInt8)
        }
    }

    /// Takes values committed elsewhere (by `ParallelColumnDecoder`) as this column's storage.
    func adopt(_ values: [Int32]) { int32s = values }

    @inline(__always)
    static func isValidUTF8(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in f where b >= 0x80 { return String(validating: f, as: UTF8.self) != nil }
        return true
    }

    // Typed views for assembling tables.
    /// The dates, taken: the builder's codes are left empty (a builder is assembled into its
    /// table once). Each page of codes goes back to the system as soon as it is converted, so
    /// usage.csv's date column is never held twice on the way into its table.
    var days: [Day] {
        var codes = int32s
        int32s = []
        // Only a copy of our own is written to (the codes are then this variable's alone).
        return codes.withUnsafeMutableBufferPointer { codes in
            [Day](unsafeUninitializedCapacity: codes.count) { out, initialized in
                let block = 1 << 20
                var done = 0
                while done < codes.count {
                    let end = min(codes.count, done + block)
                    for k in done..<end { out[k] = Day(ordinal: codes[k]) }
                    // Every code before `end` is converted: the whole pages below it can go.
                    releasePages(UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(codes)[0..<(end * 4)]))
                    done = end
                }
                initialized = codes.count
            }
        }
    }
    var dayColumn: DayColumn { DayColumn(raw: int32s) }
    var countColumn: CountColumn { CountColumn(raw: int32s) }
    var decimalColumn: DecimalColumn { DecimalColumn(raw: doubles) }
    var smallIntColumn: SmallIntColumn { SmallIntColumn(raw: int8s) }
    var textColumn: TextColumn { TextColumn(codes: int32s, levels: text.strings) }
    var keys: [String] { int32s.map { text.string($0) } }

    /// For a text or key column: how many distinct values hold a control character (C0, DEL or
    /// C1, which a terminal would act on), and the first of them, escaped; nil when none does.
    func controlCharacterValues() -> (count: Int, example: String)? {
        guard tag == .text || tag == .key else { return nil }
        var count = 0, example: String?
        for code in 0..<Int32(text.count) where TerminalText.hasControlCharacters(text.string(code)) {
            count += 1
            if example == nil { example = TerminalText.escaped(text.string(code)) }
        }
        return example.map { (count, $0) }
    }
}

/// What reading one file needs from the files read before it.
struct ReadContext {
    var skipInvalid: Bool
    /// account_id → row of accounts.csv.
    var accounts = ByteInterner()
    /// project_id → row of projects.csv.
    var projects = ByteInterner()
    /// Keys of the file being read, with the line each was first seen on.
    private var keys = ByteInterner()
    private var keyLines: [Int] = []
    private var keysFile: SignalsFile?

    init(skipInvalid: Bool) { self.skipInvalid = skipInvalid }

    /// Builds the hash tables of the account and project ids, which sorted ids put off until a
    /// lookup needs them: copies of the context looked up in on several threads then never
    /// change their arrays (each would build, and copy, its own).
    mutating func indexReferences() {
        accounts.buildIndex()
        projects.buildIndex()
    }

    mutating func keyLine(file: SignalsFile, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        resetKeys(for: file)
        return keys.code(of: bytes).map { keyLines[Int($0)] }
    }

    mutating func addKey(file: SignalsFile, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        resetKeys(for: file)
        if keys.intern(bytes).isNew { keyLines.append(line) }
        // Only committed account and project rows may be referenced: skip mode adds keys at commit,
        // and a strict read with any problem is thrown away.
        switch file {
        case .accounts: _ = accounts.intern(bytes)
        case .projects: _ = projects.intern(bytes)
        default: break
        }
    }

    private mutating func resetKeys(for file: SignalsFile) {
        if keysFile != file {
            keys = ByteInterner()
            keyLines = []
            keysFile = file
        }
    }
}

/// Gives the whole pages inside `bytes` back to the system; they read as zeros afterwards. For
/// a buffer of one's own that is being discarded part by part, so a conversion does not hold
/// its input and its output whole at once.
func releasePages(_ bytes: UnsafeMutableRawBufferPointer) {
    guard let base = bytes.baseAddress else { return }
    let page = Int(getpagesize())
    let start = (Int(bitPattern: base) + page - 1) / page * page
    let end = (Int(bitPattern: base) + bytes.count) / page * page
    guard end > start else { return }
    _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED)
}
