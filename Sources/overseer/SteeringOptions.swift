// Steering options shared by generate, score, collect, eval and bench: llama.cpp's control-vector
// flags and `--steer` items, parsed into a `SteeringSpec`.
//
//   --control-vector FILE                    strength 1 (repeatable)
//   --control-vector-scaled FILE SCALE       (repeatable; files are summed per layer, as llama.cpp does)
//   --control-vector-layer-range A B         inclusive, llama.cpp's layer indices (default 1 … n_layer)
//   --steer ITEM                             (repeatable) KIND,key=value,...
//       KIND: add | ablate | clamp
//       source, one of: vector=FILE.gguf [layers=A-B] | bundle=DIR,detector=ID | sae=DIR,latent=I
//       scale=S (add; default 1), value=V (clamp), taps=TAPS (TapSelection syntax, no commas),
//       when=RULE [when-bundle=DIR] (apply only while the rule fires; default bundle: the item's
//       own bundle, else the --supervisor bundle)
// Order: the control vectors (one combined edit) first, then the --steer items in the order given.

import ArgumentParser
import Foundation
import Models
import Steering
import Taps

/// One `--steer` item, parsed.
enum SteerItem {
    /// Parses `KIND,key=value,...` into an edit (the rules are `EditRequest`'s); one-line errors.
    static func parse(_ text: String) throws -> EditSpec {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        func bad(_ m: String) -> ValidationError { ValidationError("--steer '\(text)': \(m)") }
        var fields: [String: String] = [:]
        for p in parts.dropFirst() {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw bad("'\(p)' is not key=value") }
            let key = String(p[..<eq]), value = String(p[p.index(after: eq)...])
            guard ["vector", "layers", "bundle", "detector", "sae", "latent", "scale", "value", "taps", "when", "when-bundle"].contains(key) else {
                throw bad("unknown key '\(key)'")
            }
            guard fields[key] == nil else { throw bad("'\(key)' given twice") }
            fields[key] = value
        }
        func float(_ key: String) throws -> Float? {
            guard let s = fields[key] else { return nil }
            guard let v = Float(s), v.isFinite else { throw bad("\(key) '\(s)' is not a finite number") }
            return v
        }
        var layers: [Int]?
        if let l = fields["layers"] {
            let ab = l.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard ab.count == 2, let a = ab[0], let b = ab[1] else { throw bad("layers must be A-B") }
            layers = [a, b]
        }
        var latent: Int?
        if let s = fields["latent"] {
            guard let i = Int(s) else { throw bad("latent '\(s)' is not an integer") }
            latent = i
        }
        let request = EditRequest(kind: parts[0], vector: fields["vector"], layers: layers, bundle: fields["bundle"],
                                  detector: fields["detector"], sae: fields["sae"], latent: latent,
                                  scale: try float("scale"), value: try float("value"), taps: fields["taps"],
                                  when: fields["when"], whenBundle: fields["when-bundle"])
        do {
            return try request.edit { _, path in path }
        } catch SteeringError.invalidEdit(let m) {
            throw bad(m)
        }
    }
}

struct SteeringOptions: ParsableArguments {
    @Option(name: .customLong("control-vector"), help: ArgumentHelp("Add a control vector (llama.cpp GGUF) at strength 1.", valueName: "FILE"))
    var controlVectors: [String] = []
    @Option(name: .customLong("control-vector-scaled"),
            help: ArgumentHelp("Add a control vector at a strength: FILE SCALE (repeatable).", valueName: "FILE SCALE"))
    var controlVectorsScaled: [String] = []
    @Option(name: .customLong("control-vector-layer-range"),
            help: ArgumentHelp("Apply control vectors to layers A…B only (inclusive; llama.cpp's indices).", valueName: "A B"))
    var layerRange: [Int] = []
    @Option(name: .customLong("steer"), help: ArgumentHelp(
        "A steering edit: add|ablate|clamp,SOURCE[,scale=S|value=V][,taps=T][,when=RULE[,when-bundle=DIR]] with SOURCE "
        + "vector=FILE.gguf[,layers=A-B] | bundle=DIR,detector=ID | sae=DIR,latent=I (repeatable; see docs/steering.md).",
        valueName: "ITEM"), transform: { try SteerItem.parse($0) })
    var steer: [EditSpec] = []

    /// llama.cpp's flags that take two values. ArgumentParser options take one, and a value
    /// such as `-0.8` would read as an option, so `--flag A B` is passed on as
    /// `--flag=A --flag=B` (values stay strings until the typed parse above).
    static let twoValueFlags: Set<String> = ["--control-vector-scaled", "--control-vector-layer-range"]

    static func splittingTwoValueFlags(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { out += arguments[i...]; break }
            if twoValueFlags.contains(a), i + 2 < arguments.count {
                out += ["\(a)=\(arguments[i + 1])", "\(a)=\(arguments[i + 2])"]
                i += 3
            } else {
                out.append(a)
                i += 1
            }
        }
        return out
    }

    var isActive: Bool { !controlVectors.isEmpty || !controlVectorsScaled.isEmpty || !steer.isEmpty }

    func check() throws { _ = try spec(supervisorBundle: nil, requireConditionBundles: false) }

    /// The spec the options describe (nil when none is given). `supervisorBundle` is the default
    /// bundle of `when=` conditions.
    func spec(supervisorBundle: String?, requireConditionBundles: Bool = true) throws -> SteeringSpec? {
        guard isActive else {
            guard layerRange.isEmpty else { throw ValidationError("--control-vector-layer-range needs a control vector") }
            return nil
        }
        var edits: [EditSpec] = []
        var files = controlVectors.map { ControlVectorFile(path: $0) }
        guard controlVectorsScaled.count % 2 == 0 else {
            throw ValidationError("--control-vector-scaled takes FILE SCALE pairs")
        }
        for i in stride(from: 0, to: controlVectorsScaled.count, by: 2) {
            guard let s = Float(controlVectorsScaled[i + 1]), s.isFinite else {
                throw ValidationError("--control-vector-scaled \(controlVectorsScaled[i]) \(controlVectorsScaled[i + 1]): the scale is not a number")
            }
            files.append(ControlVectorFile(path: controlVectorsScaled[i], strength: s))
        }
        if !layerRange.isEmpty {
            guard layerRange.count == 2, layerRange[0] >= 0, layerRange[0] <= layerRange[1] else {
                throw ValidationError("--control-vector-layer-range takes A B with 0 ≤ A ≤ B")
            }
            guard !files.isEmpty else { throw ValidationError("--control-vector-layer-range needs a control vector") }
        }
        if !files.isEmpty {
            edits.append(EditSpec(kind: .add, source: .controlVector(files: files, layerStart: layerRange.first,
                                                                      layerEnd: layerRange.last), scale: 1))
        }
        for var e in steer {
            if e.condition?.bundle == "" {
                if let supervisorBundle { e.condition?.bundle = supervisorBundle } else if requireConditionBundles {
                    throw ValidationError("when=\(e.condition!.rule) needs when-bundle=DIR (or a bundle source, or --supervisor)")
                }
            }
            edits.append(e)
        }
        return SteeringSpec(edits: edits)
    }

    /// The plan for `model`, or nil without steering options.
    func plan(model: LanguageModel, supervisorBundle: String? = nil) throws -> SteeringPlan? {
        guard let spec = try spec(supervisorBundle: supervisorBundle) else { return nil }
        let plan = try SteeringPlan.build(spec, model: model.config, registry: bundleRegistry)
        log("[steer] \(Self.describe(plan.spec))")
        return plan
    }

    /// One line per edit, for logs.
    static func describe(_ spec: SteeringSpec) -> String {
        spec.edits.map { e in
            var s = "\(e.kind.rawValue)"
            switch e.source {
            case .controlVector(let files, let a, let b):
                s += " " + files.map { "\($0.path)×\($0.strength)" }.joined(separator: " + ")
                if let a, let b { s += " layers \(a)…\(b)" }
            case .bundle(let path, _, let d): s += " \(path)#\(d)"
            case .sae(let path, _, let i): s += " \(path) latent \(i)"
            }
            if e.kind != .ablate { s += " \(e.kind == .clamp ? "value" : "scale") \(e.scale)" }
            if let t = e.taps { s += " at \(t)" }
            if let c = e.condition { s += " while \(c.bundle)#\(c.rule) fires" }
            return s + " (\(e.vectors?.count ?? 0) taps)"
        }.joined(separator: "; ")
    }
}
