import Foundation
import Testing
import VitalsTestSupport

/// The test validator of docs/schema/ (VitalsTestSupport/JSONSchema.swift) rejects what it
/// should: the output schema tests are only as good as it is.
@Suite struct JSONSchemaTests {
    static let schema = try! JSONSchema(JSONValue.parse("""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "t", "type": "object",
         "required": ["id", "p", "band", "day", "prev", "drivers"], "additionalProperties": false,
         "properties": {
           "id": {"type": "string"}, "p": {"type": "number", "minimum": 0, "maximum": 1},
           "band": {"type": "string", "enum": ["low", "medium", "high"]}, "day": {"type": "string", "format": "date"},
           "prev": {"type": ["number", "null"]}, "n": {"type": "integer", "minimum": 1},
           "drivers": {"type": "array", "items": {"type": "object", "required": ["feature"], "additionalProperties": false,
                                                  "properties": {"feature": {"type": "string"}, "contribution": {"type": "number"},
                                                                 "phrase": {"type": ["string", "null"]}}}}}}
        """))

    func errors(_ text: String) throws -> [String] { Self.schema.errors(try JSONValue.parse(text)) }

    static let valid = #"{"id": "A1", "p": 0.25, "band": "low", "day": "2024-02-29", "prev": null, "n": 3, "drivers": [{"feature": "x"}]}"#

    @Test func aValidRowPasses() throws {
        #expect(try errors(Self.valid).isEmpty)
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"prev\": null", with: "\"prev\": 0.5")).isEmpty)
        // An integer is a number; 3.0 is an integer.
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"p\": 0.25", with: "\"p\": 1")).isEmpty)
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"n\": 3", with: "\"n\": 3.0")).isEmpty)
    }

    @Test func aMissingKeyIsRejected() throws {
        let e = try errors(Self.valid.replacingOccurrences(of: "\"prev\": null, ", with: ""))
        #expect(e == ["$: the key prev is missing"])
    }

    @Test func aWrongTypeIsRejected() throws {
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"p\": 0.25", with: "\"p\": \"0.25\"")).count == 1)
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"prev\": null", with: "\"prev\": true")).count == 1)
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"n\": 3", with: "\"n\": 3.5")).count == 1)
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"id\": \"A1\"", with: "\"id\": null")).count == 1)
        #expect(try errors(Self.valid.replacingOccurrences(of: "[{\"feature\": \"x\"}]", with: "\"x:+0.20\"")).count == 1)
        #expect(try errors(Self.valid.replacingOccurrences(of: "[{\"feature\": \"x\"}]", with: "[{\"feature\": 2}]")) == ["$.drivers[0].feature: integer 2, expected string"])
    }

    @Test func anExtraKeyIsRejected() throws {
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"n\": 3", with: "\"n\": 3, \"extra\": 1")) == ["$: the key extra is not in the schema"])
        #expect(try errors(Self.valid.replacingOccurrences(of: "{\"feature\": \"x\"}", with: "{\"feature\": \"x\", \"weight\": \"y\"}")).count == 1)
    }

    @Test func outOfRangeValuesAndEnumsAndDatesAreRejected() throws {
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"p\": 0.25", with: "\"p\": 1.5")) == ["$.p: 1.5 is above the maximum 1.0"])
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"p\": 0.25", with: "\"p\": -0.1")).count == 1)
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"n\": 3", with: "\"n\": 0")).count == 1)
        #expect(try errors(Self.valid.replacingOccurrences(of: "\"low\"", with: "\"at-risk\"")).count == 1)
        for day in ["2023-02-29", "2024-13-01", "2024-1-01", "31/12/2024", "2024-12-31T00:00:00Z"] {
            #expect(try errors(Self.valid.replacingOccurrences(of: "2024-02-29", with: day)).count == 1, "\(day)")
        }
    }

    @Test func aKeywordTheValidatorDoesNotCheckIsRefused() throws {
        #expect(throws: JSONSchema.UnsupportedKeyword.self) { try JSONSchema(JSONValue.parse(#"{"type": "string", "pattern": "^a"}"#)) }
        #expect(throws: JSONSchema.UnsupportedKeyword.self) { try JSONSchema(JSONValue.parse(#"{"properties": {"a": {"format": "email"}}}"#)) }
    }

    @Test func csvCellsAreReadByTheirColumnsType() throws {
        let row = Self.schema.csvRow(header: ["id", "p", "band", "day", "prev", "drivers"], cells: ["A1", "0.25", "low", "2024-02-29", "", "x:+0.20; y:+0.05"])
        #expect(Self.schema.errors(row).isEmpty)
        #expect(JSONSchema.driversCell("x:+0.20; a × b:+0.05") == .array([
            .object(["feature": .string("x"), "contribution": .number(0.2, integerText: false), "phrase": .null]),
            .object(["feature": .string("a × b"), "contribution": .number(0.05, integerText: false), "phrase": .null]),
        ]))
        #expect(JSONSchema.driversCell("x | y") == nil)
        #expect(JSONSchema.driversCell("x:0.2") == nil)
        // A number that does not parse stays text, and the type check names it.
        let bad = Self.schema.csvRow(header: ["id", "p", "band", "day", "prev", "drivers"], cells: ["A1", "high", "low", "2024-02-29", "x", ""])
        #expect(Self.schema.errors(bad).count == 2)
    }

    @Test func theParserRefusesBrokenJSON() throws {
        for text in ["{\"a\": 1,}", "[1 2]", "{\"a\": 01}", "\"open", "{\"a\": 1} x", "{\"a\": 1, \"a\": 2}"] {
            #expect(throws: JSONValue.SyntaxError.self, "\(text)") { try JSONValue.parse(text) }
        }
        #expect(try JSONValue.parse(#"{"s": "a\"\u00e9\ud83d\ude00"}"#) == .object(["s": .string("a\"é😀")]))
    }
}
