// Signed checkpoints of a receipt log's head.
//
// A forger with write access can delete whole runs (or the newest rows) and re-hash the chain;
// the chain alone cannot show it. A checkpoint, kept outside the log, pins the hash of receipt
// #seq at some moment; any later rewrite of rows 1...seq changes that hash, and deleting rows
// leaves fewer than seq. The file is JSON:
//
//   {"format": "overseer-receipt-checkpoint", "version": 1, "seq": 42, "head": "<64 hex>",
//    "time": "2026-12-03T07:00:00Z", "signer": "<Ed25519 public key, 64 hex>", "signature": "<128 hex>"}
//
// The signature is Ed25519 over the bytes "overseer-checkpoint-v1\n<seq>\n<head>\n<time>".

import Crypto
import Foundation

/// A signed (seq, head hash, time) of a receipt log.
///
/// ```swift
/// let c = try ReceiptCheckpoint.make(store: store, signer: signer)
/// try c.write(to: URL(fileURLWithPath: "head.checkpoint"))
/// // later: Verifier.verify(store: store, options: VerificationOptions(checkpoint: try .read(url)))
/// ```
public struct ReceiptCheckpoint: Sendable, Codable, Equatable {
    public static let formatName = "overseer-receipt-checkpoint"
    public var format = ReceiptCheckpoint.formatName
    public var version = 1
    public var seq: Int64
    public var head: String
    public var time: String
    public var signer: String
    public var signature: String

    /// The bytes the signature covers.
    static func message(seq: Int64, head: String, time: String) -> Data {
        Data("overseer-checkpoint-v1\n\(seq)\n\(head)\n\(time)".utf8)
    }

    /// Signs the log's current head.
    public static func make(store: any ReceiptLog, signer: ReceiptSigner, time: Date = Date()) throws -> ReceiptCheckpoint {
        let (seq, head) = try store.head()
        let stamp = ISO8601DateFormatter().string(from: time)
        let signature = try signer.sign(message: message(seq: seq, head: head, time: stamp))
        return ReceiptCheckpoint(seq: seq, head: head, time: stamp, signer: signer.publicKeyHex, signature: signature)
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do { try encoder.encode(self).write(to: url, options: .atomic) } catch {
            throw SupervisorError.receipts("cannot write checkpoint \(url.path): \(error)")
        }
    }

    /// Reads a checkpoint file (at most 64 KiB, a regular file).
    public static func read(_ url: URL) throws -> ReceiptCheckpoint {
        guard UntrustedPath.kind(url.path) == S_IFREG else { throw SupervisorError.receipts("checkpoint \(url.path) is not a regular file") }
        guard let data = try? Data(contentsOf: url), data.count <= 1 << 16 else {
            throw SupervisorError.receipts("cannot read checkpoint \(url.path)")
        }
        let c: ReceiptCheckpoint
        do { c = try JSONDecoder().decode(ReceiptCheckpoint.self, from: data) } catch {
            throw SupervisorError.receipts("\(url.path) is not a checkpoint: \(error)")
        }
        guard c.format == formatName, c.version == 1 else { throw SupervisorError.receipts("\(url.path): unsupported checkpoint format") }
        return c
    }

    /// Whether the signature is valid for `signer` (the pinned key, if given).
    func signatureProblem(pinned: String?) -> String? {
        if let pinned, pinned.lowercased() != signer.lowercased() {
            return "the checkpoint is signed by \(signer), not by the expected signer \(pinned.lowercased())"
        }
        guard ReceiptSigner.isValid(signature: signature, by: signer, for: Self.message(seq: seq, head: head, time: time)) else {
            return "the checkpoint's signature is invalid"
        }
        return nil
    }

    /// The first way `rows` contradict this checkpoint, or nil.
    func check(rows: [ReceiptRow], signer pinned: String?) -> String? {
        if let problem = signatureProblem(pinned: pinned) { return problem }
        guard seq >= 0 else { return "the checkpoint's seq is negative" }
        if seq == 0 { return head == ReceiptStore.genesis ? nil : "the checkpoint of an empty log names a head" }
        guard seq <= Int64(rows.count) else {
            return "the checkpoint of \(time) covers \(seq) receipts, the log has \(rows.count): receipts were deleted"
        }
        guard rows[Int(seq - 1)].hash == head else {
            return "receipt #\(seq)'s hash is not the head the checkpoint of \(time) signed: receipts up to it were rewritten or deleted"
        }
        return nil
    }
}
