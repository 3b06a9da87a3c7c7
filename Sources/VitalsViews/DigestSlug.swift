import Foundation

/// File names from people's names: lower-case ASCII letters, digits and single hyphens, so
/// a name cannot reach outside the digest's folder (`../`), hide a file (`.x`), or differ from
/// another only in a way a case-insensitive file system or a mail client folds away.
public enum DigestSlug {
    /// The longest slug, before a `-2` that keeps it unique.
    static let maxLength = 48

    /// `Ann O'Brien` → `ann-o-brien`; `Zoë` → `zoe`; a name with no letter or digit → `csm`.
    public static func slug(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).lowercased()
        var out = ""
        var hyphen = false
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if hyphen && !out.isEmpty { out.append("-") }
                out.unicodeScalars.append(scalar)
                hyphen = false
            } else {
                hyphen = true
            }
            if out.count >= maxLength { break }
        }
        return out.isEmpty ? "csm" : out
    }

    /// One slug per name, in the order given; a slug already taken gets `-2`, `-3`, … (the
    /// first free one), so two names that slug alike get two files.
    public static func unique(_ names: [String]) -> [String] {
        var taken = Set<String>()
        return names.map { name in
            let base = slug(name)
            var candidate = base
            var k = 2
            while taken.contains(candidate) {
                candidate = "\(base)-\(k)"
                k += 1
            }
            taken.insert(candidate)
            return candidate
        }
    }
}
