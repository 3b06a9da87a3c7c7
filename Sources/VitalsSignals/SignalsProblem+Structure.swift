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
            return "a NUL byte; the file is not text (is it UTF-16 or binary?)"
        case .bareCarriageReturn:
            return "a carriage return without a line feed; line ends must be \\n or \\r\\n"
        }
    }
}

extension SignalsProblem {
    /// A structural fault of the CSV text, at the field's header name (`field N` past the header).
    static func fault(_ fault: (kind: CSVFault, field: Int, line: Int), file: SignalsFile, names: [String]) -> SignalsProblem {
        SignalsProblem(file: file, line: fault.line, column: fault.field < names.count ? names[fault.field] : "field \(fault.field + 1)",
                       rule: fault.kind.rule, message: fault.kind.message)
    }

    /// A record whose field count differs from the header's; both readers word it this way.
    static func raggedRow(file: SignalsFile, line: Int, fields: Int, header: Int) -> SignalsProblem {
        SignalsProblem(file: file, line: line, column: "row", rule: .raggedRow,
                       message: "has \(fields) field\(fields == 1 ? "" : "s"); the header has \(header)")
    }
}
