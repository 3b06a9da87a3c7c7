// VitalsSignals: the signals contract (docs/SIGNALS.md) as code. The schema, the byte-level
// CSV scanner and the parallel column decoder, the validating reader that turns a signals
// directory into typed column tables (`SignalsDataset`) with every problem located to file,
// line and column, and the validator with its summary. Stands on VitalsFoundation only.

import Foundation
import Logging
import VitalsFoundation

/// How strictly to read a signals directory.
public struct SignalsReadOptions: Sendable, Equatable {
    /// Drop rows that break a rule (and count them per file and rule) instead of failing.
    /// Default `false`. File-level problems (a missing required column, say) still fail.
    public var skipInvalid: Bool
    /// How many problems to keep with their text; all are counted. Default 1,000; ≥ 0.
    public var maxStoredProblems: Int
    /// Bytes read per `read(2)` call. Default 1 MiB; ≥ 64.
    public var chunkSize: Int

    /// Files of references, dates and counts at least this large are read on every core
    /// (`ParallelColumnDecoder`). Default 16 MiB; ≥ 0.
    public var parallelMinimumBytes: Int
    /// The target size of each parallel chunk. Default 8 MiB; ≥ 64. The result does not depend on it.
    public var parallelChunkBytes: Int
    /// Keep only the usage rows dated in this window, and of the others only what scoring its
    /// last day needs (`UsageTable.window`); nil keeps every row. Every row is read and checked
    /// either way. Applied where usage.csv is read on every core (the large files it is for);
    /// a smaller file is kept whole, which the index windows itself with the same result.
    public var usageWindow: ClosedRange<Day>?

    public init(skipInvalid: Bool = false, maxStoredProblems: Int = 1000, chunkSize: Int = 1 << 20,
                parallelMinimumBytes: Int = 16 << 20, parallelChunkBytes: Int = 8 << 20, usageWindow: ClosedRange<Day>? = nil) {
        self.usageWindow = usageWindow
        self.skipInvalid = skipInvalid
        self.maxStoredProblems = max(0, maxStoredProblems)
        self.chunkSize = max(64, chunkSize)
        self.parallelMinimumBytes = max(0, parallelMinimumBytes)
        self.parallelChunkBytes = max(64, parallelChunkBytes)
    }
}

/// A read signals directory: the typed tables and what reading found.
public struct SignalsReadResult: Sendable {
    public var dataset: SignalsDataset
    public var report: SignalsReadReport
}

/// Reads a signals directory (the eight CSV files of docs/SIGNALS.md) into typed
/// column tables, checking every rule of the contract.
///
/// Files are read in dependency order: accounts.csv, then projects.csv, then
/// the files that reference them, so every `account_id` and `project_id` is
/// resolved to a row index as it is read.
///
/// - Throws: `SignalsIOError` when the directory or a file cannot be read;
///   `SignalsValidationError` with every problem found (up to the cap) when a
///   rule is broken and `skipInvalid` is off, or a file-level rule is broken.
public struct SignalsReader: Sendable {
    public let options: SignalsReadOptions

    public init(options: SignalsReadOptions = .init()) { self.options = options }

    /// Reads every signal file in `directory`, reporting progress in bytes to `logger`.
    public func read(directory: String, logger: Logger = .silent) throws -> SignalsReadResult {
        if let problem = InputFile.directoryProblem(directory) { throw SignalsIOError(path: directory, reason: problem.reason) }

        var session = ReadSession(directory: directory, options: options)
        let order: [SignalsFile] = [.accounts, .projects, .usage, .tickets, .nps, .timesheets, .milestones, .changeOrders]
        var tables: [SignalsFile: FileColumns] = [:]
        let sizes = order.map { file -> Int in
            let path = (directory as NSString).appendingPathComponent(file.fileName)
            return max(fileByteCount(path), fileByteCount(path + ".gz"))
        }
        let totalBytes = sizes.reduce(0, +)
        var doneBytes = 0
        for (k, file) in order.enumerated() {
            if let columns = try session.readFile(file) {
                tables[file] = columns
                logger.debug("read \(file.fileName): \(columns.rows) rows")
            }
            doneBytes += sizes[k]
            logger.progress("reading \(directory)", done: doneBytes, total: totalBytes, unit: "bytes")
            if file == .accounts && tables[.accounts] == nil { break }
        }
        session.report.problems.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        let fatal = session.report.problems.contains { $0.rule.isFatal } || session.fatalBeyondCap
        if fatal || (!options.skipInvalid && session.report.problemCount > 0) {
            throw SignalsValidationError(report: session.report)
        }
        guard let accounts = tables[.accounts] else { throw SignalsValidationError(report: session.report) }
        let dataset = SignalsDataset(
            accounts: accounts.accountsTable(),
            usage: tables[.usage]?.usageTable(),
            tickets: tables[.tickets]?.ticketsTable(),
            nps: tables[.nps]?.npsTable(),
            projects: tables[.projects]?.projectsTable(),
            timesheets: tables[.timesheets]?.timesheetsTable(),
            milestones: tables[.milestones]?.milestonesTable(),
            changeOrders: tables[.changeOrders]?.changeOrdersTable())
        return SignalsReadResult(dataset: dataset, report: session.report)
    }
}

/// The size of the file at `path`, following symbolic links (`attributesOfItem` does not, and
/// a linked usage.csv would then be sized as its link and read on one thread); 0 when unknown.
func fileByteCount(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
}

/// The state of one `read(directory:)` call.
private struct ReadSession {
    let directory: String
    let options: SignalsReadOptions
    var report = SignalsReadReport()
    var context: ReadContext
    /// A fatal problem was counted but not stored because the cap was reached.
    var fatalBeyondCap = false
    /// Key files that were present but unusable; files referencing them are not read.
    var brokenKeyFiles: Set<SignalsFile> = []

    init(directory: String, options: SignalsReadOptions) {
        self.directory = directory
        self.options = options
        self.context = ReadContext(skipInvalid: options.skipInvalid)
    }

    mutating func record(_ problem: SignalsProblem) {
        var problem = problem
        problem.compression = report[problem.file].compression
        report.problemCount += 1
        if report.problems.count < options.maxStoredProblems {
            report.problems.append(problem)
        } else if problem.rule.isFatal {
            fatalBeyondCap = true
        }
    }

    /// Reads one file (`NAME.csv`, or `NAME.csv.gz` decompressed as it is read); `nil` when it
    /// is absent or unusable.
    mutating func readFile(_ file: SignalsFile) throws -> FileColumns? {
        let plainPath = (directory as NSString).appendingPathComponent(file.fileName)
        // Only regular files are read: a FIFO would block for ever, and a broken link is not an absent file.
        let plain: InputFile.Entry, compressed: InputFile.Entry
        do { plain = try InputFile.inspect(plainPath) } catch { throw SignalsIOError(path: plainPath, reason: error.reason) }
        do { compressed = try InputFile.inspect(plainPath + ".gz") } catch { throw SignalsIOError(path: plainPath + ".gz", reason: error.reason) }
        if plain != .absent, compressed != .absent {
            report[file].present = true
            record(SignalsProblem(file: file, line: 0, column: "", rule: .fileGivenTwice,
                                  message: "both \(file.fileName) and \(file.fileName).gz are in \(directory); keep one of them"))
            if file == .accounts || file == .projects { brokenKeyFiles.insert(file) }
            return nil
        }
        let path = compressed != .absent ? plainPath + ".gz" : plainPath
        guard plain != .absent || compressed != .absent else {
            if file.isRequired {
                record(SignalsProblem(file: file, line: 0, column: "", rule: .missingRequiredFile,
                                      message: "required file is missing from \(directory)"))
            }
            if file == .projects { brokenKeyFiles.insert(.projects) }
            return nil
        }
        if let keyFile = referencedKeyFile(file), brokenKeyFiles.contains(keyFile) {
            if keyFile == .projects, !report[.projects].present {
                record(SignalsProblem(file: file, line: 1, column: "project_id", rule: .missingKeyFile,
                                      message: "projects.csv is missing, so no project_id can be resolved; add projects.csv or remove \(file.fileName)"))
            }
            return nil
        }
        report[file].present = true
        report[file].compression = SignalsCompression(path: path)
        if let kind = FileSignature.nonCSVKind(atPath: path) {
            record(SignalsProblem(file: file, line: 1, column: "header", rule: .notCSV, message: "the file is not CSV text: it is \(kind)"))
            report[file].bytes = fileByteCount(path)
            if file == .accounts || file == .projects { brokenKeyFiles.insert(file) }
            return nil
        }
        var scanner: CSVScanner?
        let columns: FileColumns?
        do {
            let opened = try CSVScanner(path: path, chunkSize: options.chunkSize)
            scanner = opened
            columns = try decode(file, scanner: opened, fileSize: fileByteCount(path))
        } catch let error as SignalsIOError where error.isDamagedCompression {
            // The text before the damage was read; the file as a whole is unusable.
            record(SignalsProblem(file: file, line: scanner?.lineAfterRecord ?? 1, column: "gzip", rule: .damagedCompression, message: error.reason))
            report[file].bytes = max(scanner?.bytesRead ?? 0, report[file].bytes)
            if file == .accounts || file == .projects { brokenKeyFiles.insert(file) }
            return nil
        }
        report[file].bytes = max(scanner?.bytesRead ?? 0, report[file].bytes)
        if file == .accounts, columns != nil, report[file].rowsRead == 0 {
            record(SignalsProblem(file: file, line: 1, column: "header", rule: .noRows,
                                  message: "no rows below the header; the book needs at least one account"))
            brokenKeyFiles.insert(file)
            return nil
        }
        if columns == nil, file == .accounts || file == .projects { brokenKeyFiles.insert(file) }
        return columns
    }

    private func referencedKeyFile(_ file: SignalsFile) -> SignalsFile? {
        switch file {
        case .timesheets, .milestones, .changeOrders: return .projects
        default: return nil
        }
    }

    /// Maps the header, then stages and commits every row.
    private mutating func decode(_ file: SignalsFile, scanner: CSVScanner, fileSize: Int) throws -> FileColumns? {
        guard let header = try decodeHeader(file, scanner: scanner) else { return nil }
        // Large files of references, dates and counts (usage.csv) are read on every core. Text
        // compresses about fourfold or more, so a gzip file counts four times its size.
        let textSize = SignalsCompression(path: scanner.path) == .gzip ? fileSize * 4 : fileSize
        if textSize >= options.parallelMinimumBytes, ParallelColumnDecoder.isEligible(header) {
            return try decodeInParallel(file, header: header, scanner: scanner, fileSize: fileSize)
        }
        // A reservation from the whole file's size (rows are rarely shorter than 32 bytes), not the first chunk's.
        let expected = max(16, fileSize / 32)
        let builders = header.map { ColumnBuilder(spec: $0.spec, fieldIndex: $0.field, expectedRows: expected) }
        let fieldCount = scanner.fieldCount
        let names = Self.headerNames(scanner)
        var rowsRead = 0, rowsKept = 0
        var skipped: [SignalsRule: Int] = [:]
        var rowProblems: [(rule: SignalsRule, column: String, message: String)] = []

        while try scanner.next() {
            rowsRead += 1
            let line = scanner.recordLine
            rowProblems.removeAll(keepingCapacity: true)
            if let fault = scanner.fault {
                record(.fault(fault, file: file, names: names))
                if fault.kind.stopsFile {
                    // Counted as the parallel read counts them (found by fuzzing), though the file is unusable.
                    report[file].rowsRead = rowsRead
                    report[file].rowsByScanner = rowsRead
                    report[file].rowsKept = rowsKept
                    report[file].skipped = options.skipInvalid ? skipped : [:]
                    return nil
                }
                skipped[fault.kind.rule, default: 0] += 1
                continue
            }
            if scanner.fieldCount != fieldCount {
                record(.raggedRow(file: file, line: line, fields: scanner.fieldCount, header: fieldCount))
                skipped[.raggedRow, default: 0] += 1
                continue
            }
            for builder in builders {
                if let p = builder.stage(scanner.field(builder.fieldIndex), context: &context, file: file, line: line) {
                    rowProblems.append((p.rule, builder.spec.name, p.message))
                }
            }
            if file == .tickets, rowProblems.isEmpty, let check = closedBeforeOpened(builders) {
                rowProblems.append((.closedBeforeOpened, "closed_at", check))
            }
            if !rowProblems.isEmpty, SignalsProblem.isHeaderRepeat(fieldCount: scanner.fieldCount, field: scanner.field, names: names) {
                let repeated = SignalsProblem.repeatedHeader(file: file, line: line)
                rowProblems = [(repeated.rule, repeated.column, repeated.message)]
            }
            if rowProblems.isEmpty {
                for builder in builders { builder.commit(context: &context, file: file, line: line) }
                rowsKept += 1
            } else {
                for p in rowProblems {
                    record(SignalsProblem(file: file, line: line, column: p.column, rule: p.rule, message: p.message))
                }
                skipped[rowProblems[0].rule, default: 0] += 1
            }
        }
        report[file].rowsRead = rowsRead
        report[file].rowsByScanner = rowsRead
        report[file].rowsKept = rowsKept
        report[file].skipped = options.skipInvalid ? skipped : [:]
        report[file].controlCharacters = builders.compactMap { builder in
            builder.controlCharacterValues().map { .init(column: builder.spec.name, values: $0.count, example: $0.example) }
        }
        return FileColumns(file: file, builders: builders, rows: rowsKept)
    }

    private mutating func decodeInParallel(_ file: SignalsFile, header: [(spec: ColumnSpec, field: Int)], scanner: CSVScanner,
                                           fileSize: Int) throws -> FileColumns? {
        var filter: UsageRowFilter?
        if file == .usage, let window = options.usageWindow,
           let date = header.firstIndex(where: { $0.spec.name == "date" }), let account = header.firstIndex(where: { $0.spec.name == "account_id" }) {
            filter = UsageRowFilter(kept: window.lowerBound.ordinal...window.upperBound.ordinal, dateColumn: date, accountColumn: account,
                                    activeColumn: header.firstIndex { $0.spec.name == "active_users" }, accountCount: context.accounts.count)
        }
        context.indexReferences()
        let decoder = ParallelColumnDecoder(
            path: scanner.path, file: file, columns: header,
            fieldCount: scanner.fieldCount, names: Self.headerNames(scanner), dataOffset: scanner.endOffset,
            dataLine: scanner.lineAfterRecord, fileSize: fileSize, context: context, options: options, rowFilter: filter,
            windowFolds: filter.map { WindowFolds(accountCount: $0.accountCount) })
        let output = try decoder.decode(threads: ProcessInfo.processInfo.activeProcessorCount)
        for problem in output.problems { record(problem) }
        report.problemCount += output.problemCount - output.problems.count  // counted, beyond the chunks' caps
        report[file].rowsRead = output.rowsRead
        report[file].rowsByScanner = output.rowsByScanner
        report[file].rowsKept = output.rowsKept
        report[file].bytes = decoder.compression == .gzip ? output.endOffset : fileSize
        report[file].skipped = options.skipInvalid ? output.skipped : [:]
        if let damage = output.damage {
            record(SignalsProblem(file: file, line: damage.line, column: "gzip", rule: .damagedCompression, message: damage.message))
            return nil
        }
        if output.stopped {
            // As `record` does for the sequential read: a fatal problem past the stored cap still fails the read.
            if !report.problems.contains(where: { $0.file == file && $0.rule.isFatal }) { fatalBeyondCap = true }
            return nil
        }
        let builders = header.map { ColumnBuilder(spec: $0.spec, fieldIndex: $0.field, expectedRows: 0) }
        for (c, builder) in builders.enumerated() { builder.adopt(output.values[c]) }
        return FileColumns(file: file, builders: builders, rows: output.values.first?.count ?? 0, usageWindow: output.windowFacts)
    }

    private func closedBeforeOpened(_ builders: [ColumnBuilder]) -> String? {
        guard let opened = builders.first(where: { $0.spec.name == "opened_at" })?.stagedValue,
              let closed = builders.first(where: { $0.spec.name == "closed_at" })?.stagedValue,
              closed < opened
        else { return nil }
        return "\(Day(ordinal: closed)) is before opened_at \(Day(ordinal: opened)); a ticket cannot close before it opens (are the columns swapped?)"
    }

    private static func headerNames(_ scanner: CSVScanner) -> [String] {
        (0..<scanner.fieldCount).map {
            String(decoding: FieldParsers.trimmed(scanner.field($0)), as: UTF8.self).lowercased()
        }
    }

    /// Reads the header row and matches it to the schema: the columns found, or `nil` when the file is unusable.
    private mutating func decodeHeader(_ file: SignalsFile, scanner: CSVScanner) throws -> [(spec: ColumnSpec, field: Int)]? {
        guard try scanner.next() else {
            record(SignalsProblem(file: file, line: 1, column: "header", rule: .emptyFile,
                                  message: "the file is empty; expected a header row naming the columns"))
            return nil
        }
        // A header that cannot be read makes the whole file unusable, so its problem is fatal
        // (found by fuzzing: as a row-level rule, --skip-invalid dropped the file without failing).
        if let fault = scanner.fault {
            record(SignalsProblem(file: file, line: fault.line, column: "header", rule: .unreadableHeader,
                                  message: fault.kind.message))
            return nil
        }
        for k in 0..<scanner.fieldCount where !ColumnBuilder.isValidUTF8(scanner.field(k)) {
            record(SignalsProblem(file: file, line: scanner.recordLine, column: "field \(k + 1)", rule: .unreadableHeader,
                                  message: "invalid UTF-8 in the header; export the file as UTF-8"))
            return nil
        }
        let line = scanner.recordLine
        let names = Self.headerNames(scanner)
        // A byte-order mark inside the header (the file's own is skipped) would hide its column's name.
        if let k = names.firstIndex(where: { $0.unicodeScalars.contains("\u{FEFF}") }) {
            record(SignalsProblem(file: file, line: line, column: "field \(k + 1)", rule: .unreadableHeader,
                                  message: "holds a stray byte-order mark (U+FEFF)\(k == 0 ? " after the one that opens the file" : ""); "
                                      + "the file was saved with a BOM twice, or two exports were joined; remove it"))
            return nil
        }
        var found: [(spec: ColumnSpec, field: Int)] = []
        var unknown: [String] = []
        var usable = true
        for (field, name) in names.enumerated() {
            guard let spec = file.columns.first(where: { $0.name == name }) else {
                if !name.isEmpty || names.count > 1 { unknown.append(name.isEmpty ? "(unnamed field \(field + 1))" : name) }
                continue
            }
            if let first = found.first(where: { $0.spec.name == name }) {
                record(SignalsProblem(file: file, line: line, column: name, rule: .duplicateColumn,
                                      message: "the column appears twice (fields \(first.field + 1) and \(field + 1)); keep one"))
                usable = false
                continue
            }
            found.append((spec, field))
        }
        if found.isEmpty, usable {
            // Not one known name: the first row is data (or the export lost its header), so one
            // problem says so instead of one per missing column.
            let shown = (0..<min(3, names.count)).map { "\"\(FieldParsers.display(FieldParsers.trimmed(scanner.field($0))))\"" }
                .joined(separator: ", ")
            let example = file.columns.filter(\.required).map(\.name).joined(separator: ",")
            record(SignalsProblem(file: file, line: line, column: "header", rule: .missingHeader,
                                  message: "the first row names none of the file's columns (it holds \(shown)\(names.count > 3 ? ", …" : "")); "
                                      + "the file must start with a header row, such as \(example)"))
            report[file].unknownColumns = []
            return nil
        }
        for spec in file.columns where spec.required && !found.contains(where: { $0.spec.name == spec.name }) {
            record(SignalsProblem(file: file, line: line, column: spec.name, rule: .missingRequiredColumn,
                                  message: "required column is missing from the header; add it (columns are matched by name, in any order)"))
            usable = false
        }
        if file == .usage {
            let metrics = file.columns.filter { !$0.required }.map(\.name)
            if !found.contains(where: { metrics.contains($0.spec.name) }) {
                record(SignalsProblem(file: file, line: line, column: "header", rule: .noMetricColumn,
                                      message: "no usage metric column; expected at least one of \(metrics.joined(separator: ", "))"))
                usable = false
            }
        }
        report[file].unknownColumns = unknown
        return usable ? found : nil
    }
}

/// The committed columns of one file, by name, before assembly into its table.
private struct FileColumns {
    let file: SignalsFile
    let builders: [ColumnBuilder]
    let rows: Int
    /// usage.csv read through a window: what the rows it dropped said.
    var usageWindow: UsageWindowFacts? = nil

    func column(_ name: String) -> ColumnBuilder? { builders.first { $0.spec.name == name } }
    /// A required column: present whenever the header was accepted.
    func required(_ name: String) -> ColumnBuilder { column(name)! }

    func accountsTable() -> AccountsTable {
        var t = AccountsTable()
        t.accountID = required("account_id").keys
        t.name = column("name")?.textColumn
        t.segment = column("segment")?.textColumn
        t.csm = column("csm")?.textColumn
        t.arr = column("arr")?.decimalColumn
        t.seats = column("seats")?.countColumn
        t.contractStart = required("contract_start").days
        t.renewalDate = column("renewal_date")?.dayColumn
        t.churnDate = column("churn_date")?.dayColumn
        return t
    }

    func usageTable() -> UsageTable {
        var t = UsageTable()
        t.account = required("account_id").int32s
        t.date = required("date").days
        t.activeUsers = column("active_users")?.countColumn
        t.sessions = column("sessions")?.countColumn
        t.keyEvents = column("key_events")?.countColumn
        t.workflowsStarted = column("workflows_started")?.countColumn
        t.workflowsCompleted = column("workflows_completed")?.countColumn
        t.window = usageWindow
        return t
    }

    func ticketsTable() -> TicketsTable {
        var t = TicketsTable()
        t.ticketID = required("ticket_id").keys
        t.account = required("account_id").int32s
        t.openedAt = required("opened_at").days
        t.closedAt = column("closed_at")?.dayColumn
        let priorities = TicketPriority.allCases
        t.priority = column("priority")?.int8s.map { $0 < 0 ? .normal : priorities[Int($0)] }
            ?? Array(repeating: .normal, count: rows)
        t.slaBreached = column("sla_breached")?.smallIntColumn
        t.escalated = column("escalated")?.smallIntColumn
        t.csat = column("csat")?.smallIntColumn
        return t
    }

    func npsTable() -> NPSTable {
        var t = NPSTable()
        t.account = required("account_id").int32s
        t.date = required("date").days
        t.score = required("score").int8s
        t.respondent = column("respondent")?.textColumn
        return t
    }

    func projectsTable() -> ProjectsTable {
        var t = ProjectsTable()
        t.projectID = required("project_id").keys
        t.account = required("account_id").int32s
        t.type = column("type")?.textColumn
        t.startDate = required("start_date").days
        t.plannedEndDate = required("planned_end_date").days
        t.budgetHours = required("budget_hours").doubles
        t.actualEndDate = column("actual_end_date")?.dayColumn
        let statuses = ProjectStatus.allCases
        let given = column("status")?.int8s
        t.status = (0..<rows).map { row in
            if let code = given?[row], code >= 0 { return statuses[Int(code)] }
            return t.actualEndDate?[row] == nil ? .active : .completed
        }
        return t
    }

    func timesheetsTable() -> TimesheetsTable {
        var t = TimesheetsTable()
        t.project = required("project_id").int32s
        t.date = required("date").days
        t.hours = required("hours").doubles
        t.role = column("role")?.textColumn
        return t
    }

    func milestonesTable() -> MilestonesTable {
        var t = MilestonesTable()
        t.project = required("project_id").int32s
        t.milestone = required("milestone").textColumn
        t.dueDate = required("due_date").days
        t.completedDate = column("completed_date")?.dayColumn
        return t
    }

    func changeOrdersTable() -> ChangeOrdersTable {
        var t = ChangeOrdersTable()
        t.project = required("project_id").int32s
        t.date = required("date").days
        t.hoursAdded = required("hours_added").doubles
        t.reason = column("reason")?.textColumn
        return t
    }
}
