// Named places in a transformer's forward pass where activations can be read.
//
// Names follow TransformerLens, so users' habits and SAELens `hook_name`s carry over:
//   hook_embed                          [dModel]  token embedding (after any scaling)
//   blocks.{L}.hook_resid_pre           [dModel]  residual stream entering block L
//   blocks.{L}.hook_attn_out            [dModel]  attention output added to the stream
//   blocks.{L}.hook_resid_mid           [dModel]  residual after attention
//   blocks.{L}.mlp.hook_pre             [dFF]     MLP pre-activation (the gate, for gated MLPs)
//   blocks.{L}.mlp.hook_post            [dFF]     MLP hidden after the non-linearity (× up)
//   blocks.{L}.hook_mlp_out             [dModel]  MLP output added to the stream
//   blocks.{L}.hook_resid_post          [dModel]  residual leaving block L
//   ln_final.hook_normalized            [dModel]  final norm output (input of the unembedding)

/// One tap point of a model.
public enum TapPoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    case embed
    case residPre(Int)
    case attnOut(Int)
    case residMid(Int)
    case mlpPre(Int)
    case mlpPost(Int)
    case mlpOut(Int)
    case residPost(Int)
    case finalNormalized

    /// The TransformerLens name, e.g. `blocks.3.hook_resid_post`.
    public var description: String {
        switch self {
        case .embed: return "hook_embed"
        case .residPre(let l): return "blocks.\(l).hook_resid_pre"
        case .attnOut(let l): return "blocks.\(l).hook_attn_out"
        case .residMid(let l): return "blocks.\(l).hook_resid_mid"
        case .mlpPre(let l): return "blocks.\(l).mlp.hook_pre"
        case .mlpPost(let l): return "blocks.\(l).mlp.hook_post"
        case .mlpOut(let l): return "blocks.\(l).hook_mlp_out"
        case .residPost(let l): return "blocks.\(l).hook_resid_post"
        case .finalNormalized: return "ln_final.hook_normalized"
        }
    }

    /// The block this point belongs to (nil for embed and the final norm).
    public var layer: Int? {
        switch self {
        case .embed, .finalNormalized: return nil
        case .residPre(let l), .attnOut(let l), .residMid(let l), .mlpPre(let l),
             .mlpPost(let l), .mlpOut(let l), .residPost(let l):
            return l
        }
    }

    /// Order of evaluation within the forward pass (for sorting and for replay).
    var order: (Int, Int) {
        switch self {
        case .embed: return (-1, 0)
        case .residPre(let l): return (l, 0)
        case .attnOut(let l): return (l, 1)
        case .residMid(let l): return (l, 2)
        case .mlpPre(let l): return (l, 3)
        case .mlpPost(let l): return (l, 4)
        case .mlpOut(let l): return (l, 5)
        case .residPost(let l): return (l, 6)
        case .finalNormalized: return (Int.max, 0)
        }
    }

    public static func < (a: TapPoint, b: TapPoint) -> Bool { a.order < b.order }

    /// A dense index for table lookups on hot paths (no hashing): embed 0, final norm 1, then
    /// 2 + 7·layer + the point's place in its block. Below `ordinalCount(layers:)` for points of
    /// a model with that many layers.
    @inline(__always) public var ordinal: Int {
        switch self {
        case .embed: return 0
        case .finalNormalized: return 1
        case .residPre(let l): return 2 + 7 * l
        case .attnOut(let l): return 3 + 7 * l
        case .residMid(let l): return 4 + 7 * l
        case .mlpPre(let l): return 5 + 7 * l
        case .mlpPost(let l): return 6 + 7 * l
        case .mlpOut(let l): return 7 + 7 * l
        case .residPost(let l): return 8 + 7 * l
        }
    }

    /// One past the largest ordinal of a model with `layers` blocks.
    public static func ordinalCount(layers: Int) -> Int { 2 + 7 * layers }

    /// Parses a TransformerLens name. Returns nil for anything else.
    public init?(name: String) {
        if name == "hook_embed" { self = .embed; return }
        if name == "ln_final.hook_normalized" { self = .finalNormalized; return }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "blocks", let l = Int(parts[1]), l >= 0,
              String(l) == parts[1] else { return nil }
        let rest = parts[2...].joined(separator: ".")
        switch rest {
        case "hook_resid_pre": self = .residPre(l)
        case "hook_attn_out": self = .attnOut(l)
        case "hook_resid_mid": self = .residMid(l)
        case "mlp.hook_pre": self = .mlpPre(l)
        case "mlp.hook_post": self = .mlpPost(l)
        case "hook_mlp_out": self = .mlpOut(l)
        case "hook_resid_post": self = .residPost(l)
        default: return nil
        }
    }
}

/// Receives read-only activations from a forward pass.
///
/// The model calls `receive` synchronously, with a pointer valid only for the duration of the
/// call; a sink copies what it keeps. Nothing flows back: the model ignores the sink entirely
/// apart from calling it, which is what makes attaching one unobservable to the model.
public protocol TapSink: AnyObject {
    /// The points this sink wants. Only these are materialised and delivered.
    var points: Set<TapPoint> { get }
    /// Activations of `point` for the token at absolute `position`.
    func receive(_ point: TapPoint, position: Int, values: UnsafeBufferPointer<Float>)
}

/// Replaces activations at tap points during a forward pass: splicing in a sparse autoencoder's
/// reconstruction, ablating a direction, steering.
///
/// An editor changes what the model computes, so it belongs to analysis runs only; the
/// supervisor never attaches one (it only ever reads, through `TapSink`). The model calls `edit`
/// with the live buffer before any sink sees the point, and everything downstream uses the
/// edited values.
public protocol TapEditor: AnyObject {
    var points: Set<TapPoint> { get }
    /// Rewrites the activations of `point` for the token at absolute `position`, in place.
    func edit(_ point: TapPoint, position: Int, values: UnsafeMutableBufferPointer<Float>)
}
