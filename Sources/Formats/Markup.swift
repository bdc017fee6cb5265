// Escaping text for the HTML and SVG pages the project writes (feature reports, plots).

/// Escapes text for HTML or XML element content and quoted attribute values: the five special
/// characters `& < > " '` become entity references, everything else stays as it is.
public func htmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}
