// Digest.swift — the SHA-256 names the project gives to files, folders, vectors and artefacts.
//
// Every hash the project writes (model fingerprints, bundle and SAE pins, receipt hashes, steering
// plans) is lowercase hex of a SHA-256, built by one of three schemes kept here so that each is
// written once:
//   - a file: its bytes, read in 4 MiB pieces;
//   - a folder (a Hugging Face model): "name\0<sha256 of file>\n" for every regular, non-hidden
//     file in name order, hashed again;
//   - tagged parts (a bundle, an SAE folder): tag ‖ 0x00 ‖ for each part u64le(length) ‖ bytes,
//     so that no two different lists of parts hash alike.
// The schemes are pinned: built-in bundle hashes and recorded model fingerprints depend on them.

import Crypto
import Foundation

public enum Digest {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unreadable(String)

        public var description: String {
            switch self {
            case .unreadable(let path): return "cannot read \(path) to hash it"
            }
        }
    }

    /// Lowercase hex of bytes.
    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// SHA-256 of bytes, hex.
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// SHA-256 of raw memory (e.g. a float vector's bytes as they lie in memory), hex.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// SHA-256 of f32 values as little-endian bytes, hex: the same on every machine.
    public static func sha256(littleEndian values: [Float]) -> String {
        let bytes = values.map(\.bitPattern.littleEndian).withUnsafeBytes { Data($0) }
        return sha256(bytes)
    }

    /// SHA-256 of a file's bytes, hex, read in 4 MiB pieces.
    public static func sha256(fileAt url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw Failure.unreadable(url.path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let data: Data
            do {
                data = try handle.read(upToCount: 4 << 20) ?? Data()
            } catch {
                throw Failure.unreadable(url.path)
            }
            if data.isEmpty { break }
            hasher.update(data: data)
        }
        return hex(hasher.finalize())
    }

    /// SHA-256 of a folder's regular, non-hidden files (see the file header), hex. Subfolders
    /// are not part of the hash.
    public static func sha256(folderAt url: URL) throws -> String {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        } catch {
            throw Failure.unreadable(url.path)
        }
        var listing = ""
        for name in names where !name.hasPrefix(".") {
            let file = url.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            listing += "\(name)\0\(try sha256(fileAt: file))\n"
        }
        return sha256(Data(listing.utf8))
    }

    /// SHA-256( tag ‖ 0x00 ‖ for each part: u64le(length) ‖ part ), hex.
    public static func sha256(tag: String, parts: [Data]) -> String {
        var h = SHA256()
        h.update(data: Data(tag.utf8) + Data([0]))
        for part in parts {
            withUnsafeBytes(of: UInt64(part.count).littleEndian) { h.update(bufferPointer: $0) }
            h.update(data: part)
        }
        return hex(h.finalize())
    }
}
