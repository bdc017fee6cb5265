// Parsing the tap and layer lists users type on the command line.
//
//   taps:   ITEM[,ITEM...]   ITEM = a TransformerLens name (blocks.12.hook_resid_post)
//                                  | KIND[:LAYERS]   KIND = resid_pre | resid_mid | resid_post |
//                                    attn_out | mlp_out | mlp_pre | mlp_post | embed | ln_final
//   layers: all | N | A-B | N+M+...   (also accepted after KIND:, e.g. resid_post:8-16)
// A KIND without layers means every layer. The result is sorted in model order, without repeats.

import Foundation

public enum TapSelectionError: Error, Equatable, CustomStringConvertible {
    case badItem(String, reason: String)

    public var description: String {
        switch self {
        case .badItem(let item, let reason): return "bad tap or layer selection '\(item)': \(reason)"
        }
    }
}

public enum TapSelection {
    static let kinds: [String: @Sendable (Int) -> TapPoint] = [
        "resid_pre": TapPoint.residPre, "resid_mid": TapPoint.residMid, "resid_post": TapPoint.residPost,
        "attn_out": TapPoint.attnOut, "mlp_out": TapPoint.mlpOut, "mlp_pre": TapPoint.mlpPre,
        "mlp_post": TapPoint.mlpPost,
    ]

    /// Layers 0..<layers selected by `spec` (see the file header), sorted, without repeats.
    public static func layers(_ spec: String, layers: Int) throws -> [Int] {
        let s = spec.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { throw TapSelectionError.badItem(spec, reason: "empty layer selection") }
        if s == "all" { return Array(0..<layers) }
        var out = Set<Int>()
        let parts = try s.split(separator: "+", omittingEmptySubsequences: false).flatMap { part in
            let words = part.split(separator: " ")
            guard !words.isEmpty else { throw TapSelectionError.badItem(spec, reason: "an empty item in the list") }
            return words
        }
        for part in parts {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let a = Int(bounds[0]), let b = Int(bounds.last!) else {
                throw TapSelectionError.badItem(spec, reason: "expected all, N, A-B or N+M")
            }
            guard a >= 0, b >= a, b < layers else {
                throw TapSelectionError.badItem(spec, reason: "layers must lie in 0...\(layers - 1), low to high")
            }
            out.formUnion(a...b)
        }
        return out.sorted()
    }

    /// Tap points selected by `spec` for a model with `layers` blocks.
    public static func taps(_ spec: String, layers: Int) throws -> [TapPoint] {
        var out = Set<TapPoint>()
        for raw in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let item = raw.trimmingCharacters(in: .whitespaces)
            guard !item.isEmpty else { throw TapSelectionError.badItem(spec, reason: "an empty item in the list") }
            if let point = TapPoint(name: item) {
                guard (point.layer ?? 0) < layers else {
                    throw TapSelectionError.badItem(item, reason: "the model has \(layers) layers")
                }
                out.insert(point)
                continue
            }
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            switch parts[0] {
            case "embed": out.insert(.embed)
            case "ln_final": out.insert(.finalNormalized)
            default:
                guard let make = kinds[parts[0]] else {
                    throw TapSelectionError.badItem(item, reason: "not a tap name or one of \(kinds.keys.sorted().joined(separator: ", ")), embed, ln_final")
                }
                for l in try self.layers(parts.count > 1 ? parts[1] : "all", layers: layers) { out.insert(make(l)) }
            }
        }
        guard !out.isEmpty else { throw TapSelectionError.badItem(spec, reason: "selects no tap") }
        return out.sorted()
    }
}
