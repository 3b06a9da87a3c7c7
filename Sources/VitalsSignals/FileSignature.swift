#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Recognises a file that is not CSV text from its first bytes (its "magic number"), so a
/// compressed export, a workbook or a UTF-16 file is refused at once, with what it is and
/// what to do, instead of as a NUL byte on line 1 or a screen of garbled rows.
enum FileSignature {
    /// The known signatures: leading bytes and what to tell the user.
    static let known: [(bytes: [UInt8], what: String)] = [
        ([0x1F, 0x8B], "gzip-compressed but named .csv; add .gz to its name (Vitals reads NAME.csv.gz) or decompress it (gunzip)"),
        ([0x28, 0xB5, 0x2F, 0xFD], "zstd-compressed; decompress it first (unzstd)"),
        (Array("BZh".utf8), "bzip2-compressed; decompress it first (bunzip2)"),
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed; decompress it first (unxz)"),
        ([0x50, 0x4B, 0x03, 0x04], "a ZIP archive (an .xlsx workbook is one); export the sheet as CSV, or unzip the archive"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "an Office document (an .xls workbook?); export the sheet as CSV"),
        (Array("PAR1".utf8), "a Parquet file; export it as CSV"),
        (Array("SQLite format 3".utf8) + [0], "an SQLite database; export the table as CSV"),
        (Array("%PDF".utf8), "a PDF document"),
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        ([0x7F, 0x45, 0x4C, 0x46], "an executable (ELF)"),
        ([0xFF, 0xFE, 0x00, 0x00], "UTF-32 text (it starts with a byte-order mark); export it as UTF-8"),
        ([0xFF, 0xFE], "UTF-16 text (it starts with a byte-order mark); export it as UTF-8"),
        ([0xFE, 0xFF], "UTF-16 text (it starts with a byte-order mark); export it as UTF-8"),
    ]

    /// What the file at `path` is when its first bytes match a known non-CSV signature; `nil`
    /// for anything else (including files that cannot be opened: the scanner reports those).
    /// A `.gz` file is judged by its decompressed text (a gzip of a workbook is still a workbook).
    static func nonCSVKind(atPath path: String) -> String? {
        if SignalsCompression(path: path) == .gzip {
            // Damage is the scanner's to report, with the line where it starts.
            guard let inflater = try? GzipInflater(path: path) else { return nil }
            var head = [UInt8](repeating: 0, count: 16)
            var n = 0
            while n < head.count {
                let got = head.withUnsafeMutableBufferPointer { b in try? inflater.read(into: b.baseAddress! + n, count: b.count - n) }
                guard let got, got > 0 else { break }
                n += got
            }
            return n > 0 ? kind(of: head.prefix(n)) : nil
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 16)
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return kind(of: head.prefix(n))
    }

    /// The first matching signature's description.
    static func kind(of head: ArraySlice<UInt8>) -> String? {
        known.first { head.starts(with: $0.bytes) }?.what
    }
}
