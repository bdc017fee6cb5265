// Concept files: several directions per residual tap, as `overseer concept diff-pca` writes them
// and `teach` / `finetune --concept FILE` read them.
//
// Legend: d = dModel, k = directions at a tap.
//
// Layout (a safetensors file):
//   __metadata__   "format": "overseer.concept"   (required)
//                  "concept": the concept's name    (required)
//                  "points":  tap names, comma-separated, e.g. "blocks.8.hook_resid_post,blocks.9.hook_resid_post"
//                  "d_model": d
//                  anything else the writer records (method, k, positions, hashes, variances, ...)
//   <point>        F32 [k, d] per listed point: the directions, one per row (need not be unit
//                  length; `Concept` normalises them and `ConceptEdit` orthonormalises them)
// Tensors not listed in "points" are ignored. The writer's output is a pure function of its
// inputs (sorted metadata, tensors in point order), so the same concept is the same bytes.

import Formats
import Foundation
import Kernels
import Taps

/// What can be wrong with a concept file, named with the offending tensor or key.
public enum ConceptFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// `__metadata__` lacks "format": "overseer.concept".
    case notAConceptFile(path: String)
    case badMetadata(key: String, reason: String)
    case missingTensor(String)
    /// A tensor whose shape is not [k, d] with 1 ≤ k ≤ d.
    case badShape(tensor: String, shape: [Int])
    case badType(tensor: String, dtype: String)
    case nonFinite(tensor: String)
    /// Directions of another width than the model's residual stream.
    case wrongWidth(tensor: String, width: Int, model: Int)
    case notResidual(String)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read the concept file \(p): \(r)"
        case .notAConceptFile(let p): return "\(p) is not a concept file (its metadata has no \"format\": \"\(ConceptFile.format)\")"
        case .badMetadata(let k, let r): return "concept file metadata \"\(k)\": \(r)"
        case .missingTensor(let n): return "the concept file lists \(n) but has no tensor of that name"
        case .badShape(let n, let s): return "tensor \(n) has shape \(s); expected [k, d] with 1 ≤ k ≤ d"
        case .badType(let n, let t): return "tensor \(n) has dtype \(t); expected F32"
        case .nonFinite(let n): return "tensor \(n) holds NaN or infinite values"
        case .wrongWidth(let n, let w, let m): return "tensor \(n) has directions of width \(w); the model's residual stream has \(m)"
        case .notResidual(let p): return "\(p) is not a residual-stream point (resid_pre, resid_mid or resid_post)"
        }
    }
}

/// A named set of directions per residual tap, with free-form metadata.
///
/// ```swift
/// let file = try ConceptFile.read(URL(fileURLWithPath: "pirate-diff.safetensors"))
/// let concept = try Concept(file, width: 576)
/// ```
public struct ConceptFile: Sendable, Equatable {
    public static let format = "overseer.concept"

    public var name: String
    /// Directions per tap, in file order. [k][d] each
    public var components: [(point: TapPoint, directions: [[Float]])]
    /// Extra metadata (not "format", "concept", "points" or "d_model", which the file derives).
    public var metadata: [String: String]

    public init(name: String, components: [(point: TapPoint, directions: [[Float]])], metadata: [String: String] = [:]) {
        self.name = name
        self.components = components
        self.metadata = metadata
    }

    public static func == (a: ConceptFile, b: ConceptFile) -> Bool {
        a.name == b.name && a.metadata == b.metadata && a.components.count == b.components.count
            && zip(a.components, b.components).allSatisfy { $0.point == $1.point && $0.directions == $1.directions }
    }

    /// The file's bytes (deterministic).
    public func bytes() throws -> Data {
        guard !name.isEmpty else { throw ConceptFileError.badMetadata(key: "concept", reason: "the concept needs a name") }
        guard let d = components.first?.directions.first?.count else {
            throw ConceptFileError.badMetadata(key: "points", reason: "a concept file needs at least one direction")
        }
        var st = SafetensorsBuilder()
        st.metadata = metadata
        st.metadata["format"] = Self.format
        st.metadata["concept"] = name
        st.metadata["points"] = components.map { "\($0.point)" }.joined(separator: ",")
        st.metadata["d_model"] = "\(d)"
        for c in components {
            let name = "\(c.point)"
            guard !c.directions.isEmpty, c.directions.count <= d, c.directions.allSatisfy({ $0.count == d }) else {
                throw ConceptFileError.badShape(tensor: name, shape: [c.directions.count, c.directions.first?.count ?? 0])
            }
            do { try st.add(name, shape: [c.directions.count, d], values: c.directions.flatMap { $0 }) } catch {
                throw ConceptFileError.badMetadata(key: "points", reason: "\(error)")
            }
        }
        return st.bytes()
    }

    public func write(to url: URL) throws {
        let data = try bytes()
        do { try data.write(to: url) } catch {
            throw ConceptFileError.unreadable(path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    public static func read(_ url: URL) throws -> ConceptFile {
        let st: SafetensorsFile
        do { st = try SafetensorsFile(url: url) } catch { throw ConceptFileError.unreadable(path: url.path, reason: "\(error)") }
        return try read(st, path: url.path)
    }

    public static func read(_ st: SafetensorsFile, path: String) throws -> ConceptFile {
        var meta = st.metadata
        guard meta["format"] == format else { throw ConceptFileError.notAConceptFile(path: path) }
        guard let name = meta["concept"], !name.isEmpty else { throw ConceptFileError.badMetadata(key: "concept", reason: "missing or empty") }
        guard let list = meta["points"], !list.isEmpty else { throw ConceptFileError.badMetadata(key: "points", reason: "missing or empty") }
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard Set(names).count == names.count else { throw ConceptFileError.badMetadata(key: "points", reason: "a point is listed twice") }
        var components: [(point: TapPoint, directions: [[Float]])] = []
        for n in names {
            guard let point = TapPoint(name: n) else { throw ConceptFileError.badMetadata(key: "points", reason: "'\(n)' is not a tap name") }
            switch point {
            case .residPre, .residMid, .residPost: break
            default: throw ConceptFileError.notResidual(n)
            }
            guard let info = st.info(named: n) else { throw ConceptFileError.missingTensor(n) }
            guard info.dtype == .f32 else { throw ConceptFileError.badType(tensor: n, dtype: info.dtype.rawValue) }
            guard info.shape.count == 2, info.shape[0] >= 1, info.shape[1] >= 1, info.shape[0] <= info.shape[1] else {
                throw ConceptFileError.badShape(tensor: n, shape: info.shape)
            }
            let k = info.shape[0], d = info.shape[1]
            let values = dequantize(try st.view(info))   // [k, d]
            guard values.allSatisfy(\.isFinite) else { throw ConceptFileError.nonFinite(tensor: n) }
            components.append((point, (0..<k).map { Array(values[($0 * d)..<(($0 + 1) * d)]) }))
        }
        if let dm = meta["d_model"] {
            guard let w = Int(dm), components.allSatisfy({ $0.directions[0].count == w }) else {
                throw ConceptFileError.badMetadata(key: "d_model", reason: "'\(dm)' does not match the tensors' width")
            }
        }
        for key in ["format", "concept", "points", "d_model"] { meta[key] = nil }
        return ConceptFile(name: name, components: components, metadata: meta)
    }
}

extension Concept {
    /// Every direction of a concept file as one concept (named by its "concept" metadata), refusing
    /// directions whose width is not the model's.
    public init(_ file: ConceptFile, width: Int) throws {
        for c in file.components where c.directions[0].count != width {
            throw ConceptFileError.wrongWidth(tensor: "\(c.point)", width: c.directions[0].count, model: width)
        }
        try self.init(name: file.name, components: file.components.flatMap { c in c.directions.map { (c.point, $0) } }, width: width)
    }
}
