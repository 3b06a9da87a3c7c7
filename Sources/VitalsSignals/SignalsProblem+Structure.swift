/// The problems the record structure itself raises (faults of the CSV text, ragged rows),
/// worded once for the sequential and the parallel reader.
extension CSVFault {
    /// The contract rule a structural fault breaks.
    var rule: SignalsRule {
        switch self {
        case .unterminatedQuote: return .unterminatedQuote
        case .strayQuote: return .strayQuote
        case .textAfterClosingQuote: return .textAfterClosingQuote
        case .nulByte: return .nulByte
        case .bareCarriageReturn: return .bareCarriageReturn
        case .rowTooLong: return .rowTooLong
        }
    }

    /// What to tell the user about it.
    var message: String {
        switch self {
        case .unterminatedQuote:
            return "a quoted field opened here is never closed; the rest of the file cannot be read"
        case .strayQuote:
            return "a quote inside an unquoted field; quote the whole field and double the quotes inside it"
        case .textAfterClosingQuote:
            return "text after a closing quote; a quoted field must end at a comma or a line end"
        case .nulByte:
            return "a NUL byte; the file is not text (is it UTF-16 or binary?); export it as UTF-8 CSV"
        case .bareCarriageReturn:
            return "a carriage return without a line feed; line ends must be \\n or \\r\\n"
        case .rowTooLong:
            return "the row is longer than 1 MiB (1,048,576 bytes), the most a row may hold; no export of this data has rows so long "
                + "(is a closing quote missing, or is the file not CSV?); the rest of the file is not read"
        }
    }
}

extension SignalsProblem {
    /// A structural fault of the CSV text, at the field's header name (`field N` past the header).
    static func fault(_ fault: (kind: CSVFault, field: Int, line: Int), file: SignalsFile, names: [String]) -> SignalsProblem {
        // An unnamed header field (found by fuzzing: `a,,b`) is named by its position, as one past the header is.
        let named = fault.field < names.count && !names[fault.field].isEmpty
        let column = fault.kind == .rowTooLong ? "row" : named ? names[fault.field] : "field \(fault.field + 1)"
        return SignalsProblem(file: file, line: fault.line, column: column,
                       rule: fault.kind.rule, message: fault.kind.message)
    }

    /// A record whose field count differs from the header's; both readers word it this way.
    static func raggedRow(file: SignalsFile, line: Int, fields: Int, header: Int) -> SignalsProblem {
        SignalsProblem(file: file, line: line, column: "row", rule: .raggedRow,
                       message: "has \(fields) field\(fields == 1 ? "" : "s"); the header has \(header)")
    }
}

extension SignalsProblem {
    /// A data row that repeats the header (two exports joined with their headers): one problem
    /// for the row, instead of one per column that cannot parse its own name.
    static func repeatedHeader(file: SignalsFile, line: Int) -> SignalsProblem {
        SignalsProblem(file: file, line: line, column: "row", rule: .repeatedHeader,
                       message: "the header row appears again (were two exports joined?); delete this line")
    }

    /// Whether a row's fields, trimmed and lowercased, are the header's names. Asked only of
    /// rows that already have a problem, so it costs nothing on good rows.
    static func isHeaderRepeat(fieldCount: Int, field: (Int) -> UnsafeBufferPointer<UInt8>, names: [String]) -> Bool {
        guard fieldCount == names.count else { return false }
        for k in 0..<fieldCount where String(decoding: FieldParsers.trimmed(field(k)), as: UTF8.self).lowercased() != names[k] {
            return false
        }
        return true
    }
}
