// The identity of a model: SHA-256 of its file, or of a Hugging Face folder's files. Supervisor
// bundles, activation stores and receipts name the model they belong to by this hash.

import Crypto
import Foundation

/// SHA-256 of a model file (or of a Hugging Face folder's files), cached per path, size and date.
public enum ModelFingerprint {
    nonisolated(unsafe) private static var cache: [String: (Int, Date, String)] = [:]
    private static let lock = NSLock()

    public static func sha256(of url: URL) throws -> String {
        let path = url.standardizedFileURL.path
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? Int) ?? -1
        let date = (attributes?[.modificationDate] as? Date) ?? .distantPast
        lock.lock()
        if let (s, d, h) = cache[path], s == size, d == date { lock.unlock(); return h }
        lock.unlock()
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let h: String
        if isDirectory.boolValue {
            // "name\0<sha256>\n" for each regular file, by name, hashed again.
            let names = (try FileManager.default.contentsOfDirectory(atPath: path)).sorted()
            var listing = ""
            for n in names where !n.hasPrefix(".") {
                let f = url.appendingPathComponent(n)
                var sub: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: f.path, isDirectory: &sub)
                if sub.boolValue { continue }
                listing += "\(n)\0\(try ModelStore.sha256(of: f))\n"
            }
            h = SHA256.hash(data: Data(listing.utf8)).map { String(format: "%02x", $0) }.joined()
        } else {
            h = try ModelStore.sha256(of: url)
        }
        lock.lock()
        cache[path] = (size, date, h)
        lock.unlock()
        return h
    }
}
