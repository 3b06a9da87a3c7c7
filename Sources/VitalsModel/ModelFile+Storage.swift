import Foundation
import Crypto
import VitalsFoundation
import VitalsSignals

/// A model file that cannot be used, and why.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case newerFormat(path: String, version: Int, supported: Int)
    case tampered(path: String, stored: String, computed: String)
    case altered(path: String, line: Int, column: Int)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read the model file: \(reason)"
        case let .malformed(path, reason): return "\(path): not a valid model file: \(reason)"
        case let .newerFormat(path, version, supported):
            return "\(path): format_version \(version) is newer than this vitals supports (\(supported)); upgrade vitals to read it"
        case let .tampered(path, stored, computed):
            return "\(path): the content does not match model_id \(stored) (it hashes to \(computed)); the file was changed after training (edited, or damaged in a copy); retrain or copy it again, never edit it"
        case let .altered(path, line, column):
            return "\(path):\(line): column \(column): the bytes differ from those vitals wrote for this content (the values hash to the model_id, "
                + "but the file was reformatted, edited or damaged in a copy); copy it again or retrain"
        case let .cannotWrite(path, reason): return "\(path): cannot write the model file: \(reason)"
        }
    }
}

extension ModelFile {
    /// Canonical bytes: sorted keys, no extra whitespace, Doubles in their shortest
    /// round-tripping form, so equal models give equal bytes.
    static func canonicalJSON(_ file: ModelFile) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(file)
    }

    /// `<task>-` and the first 16 hex digits of SHA-256 of the canonical JSON with an empty id.
    public func computedID() throws -> String {
        var copy = self
        copy.modelID = ""
        let digest = SHA256.hash(data: try Self.canonicalJSON(copy))
        return "\(kind.name)-" + lowercaseHex(digest.prefix(8))
    }

    /// This file with its id set from its content.
    public func sealed() throws -> ModelFile {
        var copy = self
        copy.modelID = try computedID()
        return copy
    }

    /// The file's bytes (sealed), as `write` stores them.
    public func serialized() throws -> Data {
        var data = try Self.canonicalJSON(sealed())
        data.append(0x0A)
        return data
    }

    /// Writes the sealed file atomically: a temporary file in the same directory, then a rename.
    public func write(to path: String) throws(ModelFileError) {
        let bytes: Data
        do { bytes = try serialized() } catch { throw .cannotWrite(path: path, reason: "\(error)") }
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Reads and checks a model file: JSON shape, format version, and the content hash.
    /// The largest model file vitals reads: far above any it writes (a `--table` model with
    /// hundreds of columns is well under a megabyte), so a wrong path is refused before it is read.
    public static let maximumBytes = 64 << 20

    public static func load(path: String) throws(ModelFileError) -> ModelFile {
        do {
            _ = try InputFile.regular(path, maximumBytes: maximumBytes, what: "a model file")
        } catch {
            if error.isTooLarge { throw .malformed(path: path, reason: "the file \(error.reason)") }
            throw .unreadable(path: path, reason: error.reason)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        // Damage first (a truncated copy, a flipped byte that breaks the JSON), then the version,
        // so a newer file is refused for the right reason, not as malformed.
        if let damage = Self.jsonDamage(data) { throw .malformed(path: path, reason: damage) }
        struct Version: Decodable { let format_version: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw .malformed(path: path, reason: "no integer format_version at the top level")
        }
        guard version.format_version <= currentFormatVersion else {
            throw .newerFormat(path: path, version: version.format_version, supported: currentFormatVersion)
        }
        guard version.format_version >= 1 else {
            throw .malformed(path: path, reason: "format_version \(version.format_version) is not one vitals has ever written (it reads 1 to \(currentFormatVersion))")
        }
        let file: ModelFile
        do { file = try JSONDecoder().decode(ModelFile.self, from: data) } catch {
            throw .malformed(path: path, reason: Self.describe(error))
        }
        let computed: String
        do { computed = try file.computedID() } catch { throw .malformed(path: path, reason: "\(error)") }
        guard computed == file.modelID else { throw .tampered(path: path, stored: file.modelID, computed: computed) }
        // A file whose id was recomputed after an edit still has to hold numbers vitals can score with.
        if let problem = file.soundnessProblem() { throw .malformed(path: path, reason: "\(problem) (vitals train never writes such a model)") }
        // The same values in other bytes (a flipped bit that keeps the meaning, 1e-05 → 1E-05, or a
        // reformatted file) is still not the file vitals wrote: written files are canonical.
        let canonical: Data
        do { canonical = try file.serialized() } catch { throw .malformed(path: path, reason: "\(error)") }
        if canonical != data {
            let offset = zip(canonical, data).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(canonical.count, data.count)
            let (line, column) = Self.lineAndColumn(of: offset, in: data)
            throw .altered(path: path, line: line, column: column)
        }
        return file
    }

    /// What is wrong with bytes that do not parse as JSON, located by line and column; nil when they parse.
    static func jsonDamage(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return nil
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            if detail.contains("end of file") || data.isEmpty {
                return "the JSON ends before it is complete (the file has \(data.count) bytes): it was cut short; copy it again or retrain"
            }
            // "Invalid value around character 7." → line and column of that byte.
            if detail.hasSuffix("character 0.") {
                return "the file is not JSON; a model file is the JSON that vitals train writes"
            }
            if let range = detail.range(of: #"character [0-9]+"#, options: .regularExpression),
               let offset = Int(detail[range].dropFirst("character ".count)), offset <= data.count {
                let (line, column) = Self.lineAndColumn(of: offset, in: data)
                let what = detail.trimmingCharacters(in: CharacterSet(charactersIn: ".")).lowercased()
                return "the JSON is damaged at line \(line), column \(column) (\(what)): copy the file again or retrain"
            }
            return "the JSON is damaged (\(detail)): copy the file again or retrain"
        }
    }

    /// The 1-based line and column of byte `offset` in `data`.
    static func lineAndColumn(of offset: Int, in data: Data) -> (line: Int, column: Int) {
        let before = Array(data.prefix(offset))
        let lineStart = before.lastIndex(of: 10).map { $0 + 1 } ?? 0
        return (before.filter { $0 == 10 }.count + 1, offset - lineStart + 1)
    }

    /// A decoding error as "key.path: what is wrong".
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context): return "\(path(context)).\(key.stringValue): missing"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

extension DataFingerprint {
    /// SHA-256 of each file and of the set, for files given by name and path.
    public static func of(files: [(name: String, path: String)], range: String, rows: Int, positives: Int) throws -> DataFingerprint {
        var entries: [File] = []
        for (name, path) in files.sorted(by: { $0.name < $1.name }) {
            var hasher = SHA256()
            var bytes = 0
            // The text, decompressed when the file is stored as NAME.csv.gz: the same data, the same fingerprint.
            do {
                try SignalsFileText.forEachPiece(path: path) { piece in
                    hasher.update(bufferPointer: piece)
                    bytes += piece.count
                }
            } catch {
                throw ModelFileError.unreadable(path: path, reason: "cannot read for fingerprinting: \((error as? SignalsIOError)?.reason ?? "\(error)")")
            }
            entries.append(File(name: name, bytes: bytes, sha256: hex(hasher.finalize())))
        }
        var all = SHA256()
        for entry in entries { all.update(data: Data("\(entry.name) \(entry.sha256)\n".utf8)) }
        return DataFingerprint(files: entries, sha256: hex(all.finalize()), range: range, rows: rows, positives: positives)
    }

    static func hex(_ digest: SHA256.Digest) -> String { lowercaseHex(digest) }
}
