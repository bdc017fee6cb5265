// API keys: `--api-key-file F`, one key per line, optionally followed by whitespace and a name
// (`sk-abc123 alice`); blank lines and lines starting with `#` are skipped. A request then needs
// `Authorization: Bearer KEY`. Only SHA-256 digests of the keys are kept; a presented key is
// hashed and compared with every stored digest, byte by byte without an early exit, so the time
// taken does not depend on how much of a key was right. Keys are never logged.

import Crypto
import Foundation

public struct APIKeys: Sendable {
    struct Entry: Sendable {
        var digest: [UInt8]   // [32] SHA-256 of the key
        var name: String
    }
    let entries: [Entry]

    /// Keys with their names (a key without a name is called `key-N`, N its line number).
    public init(_ keys: [(key: String, name: String)]) throws {
        guard !keys.isEmpty else { throw APIError(.internalServerError, "the API key file holds no keys") }
        var names = Set<String>()
        var entries: [Entry] = []
        for k in keys {
            guard k.key.count >= 8 else { throw APIError(.internalServerError, "API key '\(k.name)' is shorter than 8 characters") }
            guard names.insert(k.name).inserted else { throw APIError(.internalServerError, "two API keys are named '\(k.name)'") }
            entries.append(Entry(digest: Array(SHA256.hash(data: Data(k.key.utf8))), name: k.name))
        }
        self.entries = entries
    }

    /// Reads a key file.
    public init(file: URL) throws {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw APIError(.internalServerError, "cannot read the API key file \(file.path)")
        }
        var keys: [(key: String, name: String)] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let name = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "key-\(i + 1)"
            keys.append((String(parts[0]), name))
        }
        try self.init(keys)
    }

    /// The name of the key an `Authorization` header carries; 401 when it is missing or unknown.
    func authenticate(authorization: String?) throws -> String {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, "missing API key: send 'Authorization: Bearer KEY'", code: "missing_api_key")
        }
        let key = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        let digest = Array(SHA256.hash(data: Data(key.utf8)))
        var found: Int = -1
        for (i, e) in entries.enumerated() {
            var diff: UInt8 = 0
            for j in 0..<32 { diff |= e.digest[j] ^ digest[j] }
            // Branch-free select: every entry is compared whatever matched before.
            let match = Int(diff == 0 ? 1 : 0)
            found = match * i + (1 - match) * found
        }
        guard found >= 0 else { throw APIError(.unauthorized, "invalid API key", code: "invalid_api_key") }
        return entries[found].name
    }
}
