import CZlib
import Foundation
import Testing
import VitalsTestSupport
import VitalsViews

/// Every page of the digest in headless Chromium, at a phone's width (390 px) and at an email
/// column's (640 px): no console message (the pages run no script, so any message is an
/// error: a refused resource, a parse problem), a screenshot that is not blank, and nothing
/// drawn in the page's right margin (the body's 12 px padding), which content wider than the
/// window would cross: the page does not scroll sideways.
///
/// Runs only when VITALS_CHROMIUM names the browser (`make test-browser` installs Debian's
/// `chromium` and sets it).
@Suite(.enabled(if: chromiumForTests != nil, "set VITALS_CHROMIUM=/usr/bin/chromium (make test-browser)"))
struct DigestBrowserTests {
    static let chromium = chromiumForTests

    struct Rendering {
        let consoleLines: [String]
        let png: Data?
        let status: Int32
        let stderr: String
    }

    /// Renders `file` headless at `width` × `height` px in a throwaway profile, with the network
    /// resolver mapped to nowhere, and takes a screenshot.
    static func render(_ file: String, width: Int, height: Int = 2400, in directory: TemporaryDirectory) throws -> Rendering {
        let shot = directory.path("shot-\(UUID().uuidString).png"), profile = directory.path("profile-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium!)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0", "--window-size=\(width),\(height)",
            "--screenshot=\(shot)", URL(fileURLWithPath: file).absoluteString,
        ]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(atPath: profile) }
        // Chromium logs each console message as `…:INFO:CONSOLE:…] "message", source: …`.
        let console = stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return Rendering(consoleLines: console, png: FileManager.default.contents(atPath: shot), status: process.terminationStatus, stderr: stderr)
    }

    /// The check itself works: a page that logs an error is caught, and a blank page is blank.
    @Test func theChecksSeeAConsoleErrorAndABlankPage() throws {
        let directory = try TemporaryDirectory("browser-control")
        defer { directory.remove() }
        let noisy = directory.path("noisy.html"), blank = directory.path("blank.html"), wide = directory.path("wide.html")
        try Data(#"<!DOCTYPE html><html><body><script>console.error("digest-control")</script></body></html>"#.utf8).write(to: URL(fileURLWithPath: noisy))
        try Data(#"<!DOCTYPE html><html><body></body></html>"#.utf8).write(to: URL(fileURLWithPath: blank))
        try Data(#"<!DOCTYPE html><html><body><div style="width:800px;height:40px;background:#333"></div></body></html>"#.utf8)
            .write(to: URL(fileURLWithPath: wide))
        let caught = try Self.render(noisy, width: 390, in: directory)
        #expect(caught.consoleLines.contains { $0.contains("digest-control") }, "\(caught.stderr)")
        let empty = try Self.render(blank, width: 390, in: directory)
        let image = try PNGImage(try #require(empty.png))
        #expect(image.width == 390 && image.distinctColours(limit: 2) == 1)
        let overflowing = try PNGImage(try #require(try Self.render(wide, width: 390, in: directory).png))
        #expect(!overflowing.uniform(fromColumn: 390 - Self.margin))
    }

    /// The right-hand strip checked for overflow: inside the body's 12 px padding.
    static let margin = 8

    @Test func everyPageRendersWithoutErrorsAtPhoneAndEmailWidths() throws {
        let (digest, history) = try DigestTests.digest()
        defer { history.remove() }
        let directory = try TemporaryDirectory("browser-digest")
        defer { directory.remove() }
        let pages = digest.pages()
        #expect(pages.count >= 3)
        for page in pages {
            let path = directory.path(page.fileName)
            try Data(page.html.utf8).write(to: URL(fileURLWithPath: path))
            for width in [390, 640] {
                let rendering = try Self.render(path, width: width, in: directory)
                #expect(rendering.status == 0, "\(page.fileName) at \(width) px: chromium exited \(rendering.status)\n\(rendering.stderr)")
                #expect(rendering.consoleLines == [], "\(page.fileName) at \(width) px")
                let png = try #require(rendering.png, "\(page.fileName) at \(width) px: no screenshot\n\(rendering.stderr)")
                let image = try PNGImage(png)
                #expect(image.width == width, "\(page.fileName)")
                #expect(image.distinctColours(limit: 2) > 1, "\(page.fileName) at \(width) px: the screenshot is one colour")
                #expect(image.uniform(fromColumn: width - Self.margin), "\(page.fileName) at \(width) px: something is drawn in the right margin")
            }
        }
    }
}

/// The browser VITALS_CHROMIUM names, if any.
let chromiumForTests: String? = ProcessInfo.processInfo.environment["VITALS_CHROMIUM"].flatMap { $0.isEmpty ? nil : $0 }

/// A PNG decoded to its pixels (8-bit greyscale, RGB or RGBA, not interlaced: what Chromium
/// writes), through zlib, to look at a screenshot without an image library.
struct PNGImage {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    let width: Int
    let height: Int
    let channels: Int
    let pixels: [UInt8]

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Invalid(description: "not a PNG") }
        func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        var offset = 8, idat: [UInt8] = []
        var header: (width: Int, height: Int, depth: UInt8, colour: UInt8, interlace: UInt8)?
        while offset + 8 <= bytes.count {
            let length = u32(offset), type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8
            guard body + length <= bytes.count else { throw Invalid(description: "truncated \(type) chunk") }
            if type == "IHDR" { header = (u32(body), u32(body + 4), bytes[body + 8], bytes[body + 9], bytes[body + 12]) }
            if type == "IDAT" { idat += bytes[body..<body + length] }
            if type == "IEND" { break }
            offset = body + length + 4
        }
        guard let header, header.depth == 8, header.interlace == 0 else { throw Invalid(description: "not an 8-bit non-interlaced PNG") }
        let channels: Int
        switch header.colour {
        case 0: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default: throw Invalid(description: "colour type \(header.colour)")
        }
        let stride = header.width * channels
        var raw = [UInt8](repeating: 0, count: header.height * (stride + 1))
        var size = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            idat.withUnsafeBufferPointer { input in uncompress(out.baseAddress, &size, input.baseAddress, uLong(input.count)) }
        }
        guard status == Z_OK, Int(size) == raw.count else { throw Invalid(description: "zlib status \(status), \(size) of \(raw.count) bytes") }
        // Undo each row's filter (PNG spec, section 9).
        var pixels = [UInt8](repeating: 0, count: header.height * stride)
        for y in 0..<header.height {
            let filter = raw[y * (stride + 1)], row = y * (stride + 1) + 1
            for x in 0..<stride {
                let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw Invalid(description: "filter \(filter) on row \(y)")
                }
                pixels[y * stride + x] = UInt8((Int(raw[row + x]) + predictor) & 0xFF)
            }
        }
        (width, height, self.channels, self.pixels) = (header.width, header.height, channels, pixels)
    }

    /// Whether every pixel from column `x` to the right edge, on every row, has one colour.
    func uniform(fromColumn x: Int) -> Bool {
        let first = Array(pixels[x * channels..<(x + 1) * channels])
        for y in 0..<height {
            for column in x..<width where !pixels[(y * width + column) * channels..<(y * width + column + 1) * channels].elementsEqual(first) {
                return false
            }
        }
        return true
    }

    /// How many different colours the image holds, counting up to `limit`.
    func distinctColours(limit: Int) -> Int {
        var seen = Set<[UInt8]>()
        var k = 0
        while k < pixels.count {
            seen.insert(Array(pixels[k..<k + channels]))
            if seen.count >= limit { return seen.count }
            k += channels
        }
        return seen.count
    }
}
