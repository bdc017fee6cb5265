// The identity of a model: SHA-256 of its file, or of a Hugging Face folder's files. Supervisor
// bundles, activation stores and receipts name the model they belong to by this hash.

import Formats
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
        let h = isDirectory.boolValue ? try Digest.sha256(folderAt: url) : try Digest.sha256(fileAt: url)
        lock.lock()
        cache[path] = (size, date, h)
        lock.unlock()
        return h
    }
}
