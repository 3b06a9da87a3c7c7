/// The rule a row or file broke. Counts of skipped rows are reported per rule.
public enum SignalsRule: String, CaseIterable, Sendable, Comparable {
    // The directory and the header.
    case missingRequiredFile = "missing required file"
    case notCSV = "not CSV"
    case fileGivenTwice = "file given twice"
    case damagedCompression = "damaged compressed file"
    case emptyFile = "empty file"
    case missingHeader = "missing header"
    case unreadableHeader = "unreadable header"
    case missingRequiredColumn = "missing required column"
    case duplicateColumn = "duplicate column"
    case noMetricColumn = "no metric column"
    case missingKeyFile = "missing key file"
    case noRows = "no rows"
    // CSV framing.
    case unterminatedQuote = "unterminated quote"
    case rowTooLong = "row too long"
    case strayQuote = "stray quote"
    case textAfterClosingQuote = "text after closing quote"
    case nulByte = "NUL byte"
    case bareCarriageReturn = "bare carriage return"
    case raggedRow = "wrong number of fields"
    case invalidUTF8 = "invalid UTF-8"
    case repeatedHeader = "repeated header"
    // Values.
    case requiredValueMissing = "required value missing"
    case invalidDate = "invalid date"
    case implausibleDate = "implausible date"
    case invalidNumber = "invalid number"
    case nonFiniteNumber = "non-finite number"
    case invalidCount = "invalid count"
    case invalidInteger = "invalid integer"
    case invalidBoolean = "invalid boolean"
    case notInEnumeration = "value not allowed"
    case outOfRange = "out of range"
    // Relations.
    case duplicateKey = "duplicate key"
    case unknownAccount = "unknown account"
    case unknownProject = "unknown project"
    case closedBeforeOpened = "closed before opened"

    /// A file-level rule: the whole file is unusable, so `--skip-invalid` cannot skip past it.
    public var isFatal: Bool {
        switch self {
        case .missingRequiredFile, .notCSV, .fileGivenTwice, .damagedCompression, .emptyFile, .missingHeader, .unreadableHeader, .missingRequiredColumn, .duplicateColumn,
             .noMetricColumn, .missingKeyFile, .noRows, .unterminatedQuote, .rowTooLong:
            return true
        default:
            return false
        }
    }

    public static func < (a: SignalsRule, b: SignalsRule) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One broken rule, located: `file:line: column: message`.
public struct SignalsProblem: Sendable, Equatable, CustomStringConvertible {
    public let file: SignalsFile
    /// 1-based physical line where the offending record starts; 0 for a missing file.
    public let line: Int
    /// The column's header name, `field N` past the header, or `header` / `row` when no single column is at fault.
    public let column: String
    public let rule: SignalsRule
    /// What is wrong and what to do, in a sentence for the person fixing the export.
    public let message: String
    /// How the file was stored, so the problem names the file as it is on disk (`usage.csv.gz`).
    /// Lines count the decompressed text, as `zcat` shows it.
    public var compression: SignalsCompression = .none

    public init(file: SignalsFile, line: Int, column: String, rule: SignalsRule, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message
    }

    /// The file's name on disk.
    public var fileName: String { file.fileName + compression.suffix }

    public var description: String {
        line == 0 ? "\(fileName): \(message)" : "\(fileName):\(line): \(column): \(message)"
    }
}

/// What reading one file found.
public struct SignalsFileReport: Sendable, Equatable {
    public let file: SignalsFile
    /// Whether the file was in the directory.
    public var present = false
    /// How it was stored (`NAME.csv` or `NAME.csv.gz`); `bytes` then counts the decompressed text.
    public var compression: SignalsCompression = .none
    /// The file's name on disk.
    public var fileName: String { file.fileName + compression.suffix }
    public var bytes = 0
    /// Data rows read (excluding the header and empty lines).
    public var rowsRead = 0
    /// Rows kept in the dataset.
    public var rowsKept = 0
    /// Of `rowsRead`, the rows the general CSV scanner framed: every row on the sequential
    /// read; on the parallel read, only rows its fast path cannot take (a quote that does not
    /// frame a whole field, a bare CR, a NUL, and the rest of their chunk).
    public var rowsByScanner = 0
    /// With `skipInvalid`: rows skipped, per broken rule (a row counts once, under its first problem).
    public var skipped: [SignalsRule: Int] = [:]
    /// Header columns the contract does not know; ignored.
    public var unknownColumns: [String] = []
    /// Text columns with values holding control characters (escape sequences a terminal would
    /// obey): read as they are, shown escaped, and warned about.
    public var controlCharacters: [ControlCharacters] = []

    public struct ControlCharacters: Sendable, Equatable {
        public let column: String
        /// Distinct values holding one.
        public let values: Int
        /// The first such value, escaped.
        public let example: String
    }

    public init(file: SignalsFile) { self.file = file }

    public var skippedTotal: Int { skipped.values.reduce(0, +) }
}

/// What reading a directory found: per-file counts, warnings and problems.
public struct SignalsReadReport: Sendable {
    public var files: [SignalsFileReport] = SignalsFile.allCases.map(SignalsFileReport.init)
    /// The first `SignalsReadOptions.maxStoredProblems` problems, in file order, then line order.
    public var problems: [SignalsProblem] = []
    /// Every problem found, including those past the stored cap.
    public var problemCount = 0

    public init() {}

    public subscript(file: SignalsFile) -> SignalsFileReport {
        get { files[SignalsFile.allCases.firstIndex(of: file)!] }
        set { files[SignalsFile.allCases.firstIndex(of: file)!] = newValue }
    }

    /// One line per file with unknown columns, e.g. `usage.csv: ignoring unknown columns: region`,
    /// and one per text column with control characters.
    public var warnings: [String] {
        files.filter { !$0.unknownColumns.isEmpty }.map {
            "\($0.fileName): ignoring unknown column\($0.unknownColumns.count == 1 ? "" : "s"): \($0.unknownColumns.joined(separator: ", "))"
        } + files.flatMap { file in
            file.controlCharacters.map {
                "\(file.fileName): \($0.column): \($0.values) value\($0.values == 1 ? " holds" : "s hold") control characters (such as \"\($0.example)\"); "
                    + "they are kept, and shown escaped on a terminal"
            }
        }
    }
}

/// The directory broke the contract: thrown by `SignalsReader.read` with every
/// problem found (up to the cap), so one run shows the user all there is to fix.
public struct SignalsValidationError: Error, Sendable, CustomStringConvertible {
    public let report: SignalsReadReport
    public init(report: SignalsReadReport) { self.report = report }
    public var problems: [SignalsProblem] { report.problems }
    public var description: String {
        let shown = report.problems.map(\.description).joined(separator: "\n")
        let hidden = report.problemCount - report.problems.count
        return shown + (hidden > 0 ? "\n… and \(hidden) more problems" : "")
            + "\n\(report.problemCount) problem\(report.problemCount == 1 ? "" : "s") found"
    }
}
