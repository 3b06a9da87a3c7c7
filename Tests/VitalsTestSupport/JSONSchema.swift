import Foundation

/// A JSON value as parsed from text, keeping what JSON Schema's `type` needs: whether a
/// number was written as an integer (`7`) or not (`7.00`, `0.5`), and true/false apart from 1/0.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number and whether its text had no fraction or exponent.
    case number(Double, integerText: Bool)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON text (RFC 8259); throws on anything else, trailing text included.
    public static func parse(_ text: String) throws -> JSONValue {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.at == parser.bytes.count else { throw parser.error("trailing text") }
        return value
    }

    /// A JSON value written back compactly (for messages).
    public var text: String {
        switch self {
        case .null: return "null"
        case let .bool(b): return "\(b)"
        case let .number(x, integer): return integer ? String(Int(x)) : "\(x)"
        case let .string(s): return "\"\(s)\""
        case let .array(items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case let .object(fields): return "{" + fields.keys.sorted().map { "\"\($0)\":\(fields[$0]!.text)" }.joined(separator: ",") + "}"
        }
    }

    public struct SyntaxError: Error, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "JSON syntax error at byte \(offset): \(reason)" }
    }

    struct Parser {
        let bytes: [UInt8]
        var at = 0

        func error(_ reason: String) -> SyntaxError { SyntaxError(offset: at, reason: reason) }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
            let w = Array(word.utf8)
            guard at + w.count <= bytes.count, Array(bytes[at..<at + w.count]) == w else { throw error("expected \(word)") }
            at += w.count
            return value
        }

        mutating func value() throws -> JSONValue {
            skipSpace()
            guard at < bytes.count else { throw error("unexpected end") }
            switch bytes[at] {
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                at += 1
                var items: [JSONValue] = []
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    guard at < bytes.count else { throw error("unterminated array") }
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                    throw error("expected , or ]")
                }
            case UInt8(ascii: "{"):
                at += 1
                var fields: [String: JSONValue] = [:]
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(fields) }
                while true {
                    skipSpace()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw error("expected a key") }
                    let key = try string()
                    guard fields[key] == nil else { throw error("duplicate key \(key)") }
                    skipSpace()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw error("expected :") }
                    at += 1
                    fields[key] = try value()
                    skipSpace()
                    guard at < bytes.count else { throw error("unterminated object") }
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(fields) }
                    throw error("expected , or }")
                }
            default: return try number()
            }
        }

        mutating func number() throws -> JSONValue {
            let start = at
            var integer = true
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            let digits = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
            let intStart = at
            while at < bytes.count, digits(bytes[at]) { at += 1 }
            guard at > intStart else { throw error("expected a value") }
            if bytes[intStart] == 0x30, at - intStart > 1 { throw error("leading zero") }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                integer = false
                at += 1
                let fraction = at
                while at < bytes.count, digits(bytes[at]) { at += 1 }
                guard at > fraction else { throw error("expected digits after .") }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                integer = false
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                let exponent = at
                while at < bytes.count, digits(bytes[at]) { at += 1 }
                guard at > exponent else { throw error("expected exponent digits") }
            }
            guard let x = Double(String(decoding: bytes[start..<at], as: UTF8.self)) else { throw error("bad number") }
            return .number(x, integerText: integer)
        }

        mutating func string() throws -> String {
            at += 1
            var out: [UInt8] = []
            while at < bytes.count {
                let b = bytes[at]
                at += 1
                switch b {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { throw error("unterminated escape") }
                    let e = bytes[at]
                    at += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard at + 4 <= bytes.count, let unit = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16) else {
                            throw error("bad \\u escape")
                        }
                        at += 4
                        var scalar = unit
                        if (0xD800..<0xDC00).contains(unit), at + 6 <= bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u"),
                           let low = UInt32(String(decoding: bytes[at + 2..<at + 6], as: UTF8.self), radix: 16), (0xDC00..<0xE000).contains(low) {
                            at += 6
                            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        }
                        out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                    default: throw error("bad escape")
                    }
                default:
                    guard b >= 0x20 else { throw error("control character in a string") }
                    out.append(b)
                }
            }
            throw error("unterminated string")
        }
    }
}

/// A validator for the subset of JSON Schema (draft 2020-12) that docs/schema/ uses: `type`
/// (a name or a list of names), `required`, `properties`, `additionalProperties` (false or a
/// schema), `enum`, `items`, `format: "date"`, `minimum` and `maximum`. The annotations `$schema`,
/// `$id`, `title`, `description` and `$comment` are ignored; any other keyword is an error, so a
/// schema cannot lean on a rule this validator would silently skip.
public struct JSONSchema: Sendable {
    public let root: JSONValue

    public init(_ root: JSONValue) throws {
        self.root = root
        try Self.checkKeywords(root, at: "#")
    }

    /// Reads a schema file.
    public init(path: String) throws {
        try self.init(try JSONValue.parse(String(contentsOfFile: path, encoding: .utf8)))
    }

    static let annotations: Set<String> = ["$schema", "$id", "title", "description", "$comment"]
    static let keywords: Set<String> = ["type", "required", "properties", "additionalProperties", "enum", "items", "format", "minimum", "maximum"]

    public struct UnsupportedKeyword: Error, CustomStringConvertible {
        public let keyword: String
        public let path: String
        public var description: String { "the schema uses \(keyword) at \(path), which the test validator does not check" }
    }

    static func checkKeywords(_ schema: JSONValue, at path: String) throws {
        guard case let .object(fields) = schema else {
            if case .bool = schema { return }
            throw UnsupportedKeyword(keyword: "a non-object schema", path: path)
        }
        for key in fields.keys where !annotations.contains(key) && !keywords.contains(key) { throw UnsupportedKeyword(keyword: key, path: path) }
        if case let .string(format)? = fields["format"], format != "date" { throw UnsupportedKeyword(keyword: "format \(format)", path: path) }
        if case let .object(properties)? = fields["properties"] {
            for (name, sub) in properties { try checkKeywords(sub, at: "\(path)/properties/\(name)") }
        }
        if let items = fields["items"] { try checkKeywords(items, at: "\(path)/items") }
        if let additional = fields["additionalProperties"] { try checkKeywords(additional, at: "\(path)/additionalProperties") }
    }

    /// The type names a schema allows (empty: any).
    public static func types(_ schema: JSONValue) -> [String] {
        guard case let .object(fields) = schema else { return [] }
        switch fields["type"] {
        case let .string(name)?: return [name]
        case let .array(names)?: return names.compactMap { if case let .string(s) = $0 { return s } else { return nil } }
        default: return []
        }
    }

    /// The schema of property `name` of an object schema, nil when it lists none.
    public func property(_ name: String) -> JSONValue? {
        guard case let .object(fields) = root, case let .object(properties)? = fields["properties"] else { return nil }
        return properties[name]
    }

    /// What is wrong with `value`, each as `path: reason`; empty when it is valid.
    public func errors(_ value: JSONValue) -> [String] {
        var out: [String] = []
        Self.validate(value, against: root, at: "$", into: &out)
        return out
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case let .number(x, integer): return integer || x == x.rounded() ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("number", .number): return true
        // JSON Schema: an integer is a number with no fractional part (1.0 is one).
        case let ("integer", .number(x, _)): return x == x.rounded() && x.isFinite
        default: return false
        }
    }

    /// A calendar date as format "date" (RFC 3339 full-date) means it: YYYY-MM-DD that exists.
    public static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard s.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }

    static func validate(_ value: JSONValue, against schema: JSONValue, at path: String, into out: inout [String]) {
        guard case let .object(rules) = schema else {
            if case .bool(false) = schema { out.append("\(path): not allowed") }
            return
        }
        let allowed = types(schema)
        if !allowed.isEmpty, !allowed.contains(where: { matches(value, type: $0) }) {
            out.append("\(path): \(typeName(value)) \(value.text.prefix(60)), expected \(allowed.joined(separator: " or "))")
            return
        }
        if case let .array(options)? = rules["enum"], !options.contains(where: { same($0, value) }) {
            out.append("\(path): \(value.text.prefix(60)) is not one of \(options.map(\.text).joined(separator: ", "))")
        }
        if case let .number(x, _) = value {
            if case let .number(low, _)? = rules["minimum"], x < low { out.append("\(path): \(x) is below the minimum \(low)") }
            if case let .number(high, _)? = rules["maximum"], x > high { out.append("\(path): \(x) is above the maximum \(high)") }
        }
        if case let .string(s) = value, case .string("date")? = rules["format"], !isDate(s) {
            out.append("\(path): \"\(s.prefix(40))\" is not a date (YYYY-MM-DD)")
        }
        if case let .array(items) = value, let itemSchema = rules["items"] {
            for (k, item) in items.enumerated() { validate(item, against: itemSchema, at: "\(path)[\(k)]", into: &out) }
        }
        if case let .object(fields) = value {
            if case let .array(required)? = rules["required"] {
                for case let .string(name) in required where fields[name] == nil { out.append("\(path): the key \(name) is missing") }
            }
            var properties: [String: JSONValue] = [:]
            if case let .object(p)? = rules["properties"] { properties = p }
            for name in fields.keys.sorted() {
                if let sub = properties[name] {
                    validate(fields[name]!, against: sub, at: "\(path).\(name)", into: &out)
                } else if let additional = rules["additionalProperties"] {
                    if case .bool(false) = additional { out.append("\(path): the key \(name) is not in the schema") } else {
                        validate(fields[name]!, against: additional, at: "\(path).\(name)", into: &out)
                    }
                }
            }
        }
    }

    /// JSON equality for `enum`: numbers by value, whatever their text.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case let .number(x, _) = a, case let .number(y, _) = b { return x == y }
        return a == b
    }
}

extension JSONSchema {
    /// One CSV row as the JSON object the schema describes: each cell read by its column's
    /// schema type (an empty cell is null, or [] in an `array` column, or "" in a string column that may not be null; `integer` and `number` cells parse as numbers,
    /// `boolean` as true/false, an `array` column as the drivers' `feature:+0.26; …` with no
    /// phrase, anything else as a string). A cell that does not parse as its type stays a
    /// string, so the validation names it. A header column the schema does not list is kept
    /// as a string (and `additionalProperties` judges it).
    public func csvRow(header: [String], cells: [String]) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for (k, name) in header.enumerated() {
            let cell = k < cells.count ? cells[k] : ""
            let allowed = property(name).map(Self.types) ?? (guardedAdditionalTypes ?? [])
            fields[name] = Self.cell(cell, types: allowed)
        }
        return .object(fields)
    }

    private var guardedAdditionalTypes: [String]? {
        guard case let .object(fields) = root, let additional = fields["additionalProperties"] else { return nil }
        return Self.types(additional)
    }

    static func cell(_ cell: String, types: [String]) -> JSONValue {
        if cell.isEmpty {
            // No drivers is an empty cell in CSV and [] in JSON.
            if types.contains("array"), !types.contains("null") { return .array([]) }
            return types.contains("string") && !types.contains("null") ? .string("") : .null
        }
        if types.contains("integer"), let n = Int(cell) { return .number(Double(n), integerText: true) }
        if types.contains("number"), let x = Double(cell), x.isFinite { return .number(x, integerText: !cell.contains(".") && !cell.lowercased().contains("e")) }
        if types.contains("boolean"), cell == "true" || cell == "false" { return .bool(cell == "true") }
        if types.contains("array"), let drivers = driversCell(cell) { return drivers }
        return .string(cell)
    }

    /// `feature:+0.26; feature:-0.10` as `[{feature, contribution, phrase: null}]`; nil when it is not that form.
    public static func driversCell(_ cell: String) -> JSONValue? {
        var items: [JSONValue] = []
        for part in cell.components(separatedBy: "; ") {
            guard let colon = part.lastIndex(of: ":") else { return nil }
            let name = String(part[..<colon]), number = part[part.index(after: colon)...]
            guard !name.isEmpty, let sign = number.first, sign == "+" || sign == "-",
                  number.dropFirst().split(separator: ".").map(\.count) == [number.dropFirst().split(separator: ".").first?.count ?? 0, 2],
                  let x = Double(number) else { return nil }
            items.append(.object(["feature": .string(name), "contribution": .number(x, integerText: false), "phrase": .null]))
        }
        return .array(items)
    }
}
