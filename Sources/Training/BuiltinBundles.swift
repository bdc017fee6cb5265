// Supervisor bundles the project trains itself, from its built-in data, on first use.
//
// Training is deterministic (same data, same model, same options: same bytes), so a built-in
// bundle has the same SHA-256 on every machine; `expectedSHA256` pins it, and a build that
// produces other bytes is reported instead of silently used. Bundles are cached under
//   $OVERSEER_HOME/bundles/<name>/   (or the user's cache folder, like models)

import Activations
import Detectors
import Evaluation
import Foundation
import LabeledData
import Models
import Probes
import Taps

public struct BuiltinBundle: Sendable {
    public var name: String
    public var summary: String
    /// The known model it is trained for (a `ModelStore` name).
    public var model: String
    /// Built-in data sets it is trained on (`builtin:NAME`), in order.
    public var data: [String]
    public var settings: (chat: Bool, positions: PositionSelection, taps: String)
    public var options: TrainOptions
    /// SHA-256 of the bundle this project's training produces (nil: not pinned yet).
    public var expectedSHA256: String?

    public static let all: [BuiltinBundle] = [harm]

    /// Halts on harmful requests before any output: logistic probes on the chat prompt's last
    /// token at the three best layers of hook_resid_post 15–22 (the rule takes their maximum),
    /// trained on builtin:harm, builtin:harm-framing and builtin:harm-framing-wide (the same
    /// requests under personas, fiction, hypotheticals, games, prefix instructions, system prompts
    /// and conversations, harmful and harmless alike, and harmless twins of harmful requests).
    /// Validation is a split by source — whole wrappers, a fifth of them, with a fifth of the
    /// plain requests — so the layers are chosen, and the threshold set at 1% FPR, on wrappers
    /// training never saw: the benign side it is calibrated on includes new framings.
    public static let harm: BuiltinBundle = {
        var o = TrainOptions()
        o.name = "harm"
        o.description = "Halts generation on a harmful request before any output (trained on builtin:harm, builtin:harm-framing and builtin:harm-framing-wide)."
        o.kind = .logistic
        o.taps = (15...22).map { TapPoint.residPost($0) }
        o.pick = .top(3)
        o.targetFPR = 0.01
        o.validationFraction = 0.2
        o.splitBy = .source
        o.action = .halt
        o.scope = .request
        return BuiltinBundle(name: "harm", summary: "halt on harmful requests, plain or framed (logistic probes, three best resid_post layers of 15-22)",
                             model: "smollm2", data: ["builtin:harm", "builtin:harm-framing", "builtin:harm-framing-wide"],
                             settings: (true, .last, "resid_post"), options: o,
                             expectedSHA256: "9f5eecff7a7c9f4c429f1ec18f1c190bb1ecdb3203fec090d0fb60256ac793fd")
    }()

    public static func named(_ name: String) -> BuiltinBundle? { all.first { $0.name == name } }

    /// Where the bundle is cached.
    public var folder: URL {
        ModelStore.home.appendingPathComponent("bundles").appendingPathComponent(name)
    }

    /// The folder inside `scratch` that holds the collection of one data set (`builtin:NAME` → NAME).
    public static func collectionFolder(of data: String, in scratch: URL) -> URL {
        scratch.appendingPathComponent(data.hasPrefix("builtin:") ? String(data.dropFirst("builtin:".count)) : data)
    }

    /// Collects the built-in data with `model`, each set into its own folder of `scratch` (a set
    /// already collected there with these settings is reused, so adding a set to the recipe
    /// collects only that set), and trains the bundle on the sets read as one
    /// (`ActivationStore.joining`: the same bytes as one collection of all of them).
    public func train(model lm: LanguageModel, threads: Int, scratch: URL,
                      progress: (String) -> Void = { _ in }) throws -> (SupervisorBundle, TrainReport) {
        let sha = try ModelFingerprint.sha256(of: lm.url)
        let taps = try TapSelection.taps(settings.taps, layers: lm.config.layers)
        let collection = CollectionSettings(modelSHA256: sha, taps: taps, positions: settings.positions, chat: settings.chat)
        var stores: [ActivationStore] = []
        for set in data {
            let collector = try Collector(model: lm, plan: CollectionPlan(settings: collection, sources: [DataSource(path: set)]))
            let folder = Self.collectionFolder(of: set, in: scratch)
            progress("collecting \(collector.examples.count) texts of \(set) into \(folder.path)")
            try collector.run(into: folder, threads: threads, overwrite: true)
            stores.append(try ActivationStore(folder))
        }
        progress("training on \(taps.count) taps")
        return try ProbeTrainer.train(try ActivationStore.joining(stores), options: options)
    }

    /// The bundle in `folder` if it loads and its SHA-256 (over bundle.json and the weights) is
    /// the pinned one; nil otherwise, with `progress` told when a copy is there but differs.
    func pinnedCopy(at folder: URL, progress: (String) -> Void) -> SupervisorBundle? {
        guard let cached = try? SupervisorBundle.load(folder) else { return nil }
        guard let expected = expectedSHA256, cached.sha256 != expected else { return cached }
        progress("the cached copy in \(folder.path) has SHA-256 \(cached.sha256), not the pinned \(expected): "
                 + "it was changed; rebuilding it")
        return nil
    }

    /// Whether a usable copy is cached: present, and the pinned bytes (a copy from another
    /// version of the project is rebuilt).
    public var isCached: Bool { pinnedCopy(at: folder, progress: { _ in }) != nil }

    /// The cached bundle, trained and written first when missing or stale. Every load checks the
    /// cached copy against the pin (SHA-256 over bundle.json and the weights), so an edited copy —
    /// a threshold raised in bundle.json, say — is never used: it is reported and rebuilt.
    /// `progress` receives a warning when the trained bytes differ from the pinned hash.
    ///
    /// With `collection`, the activations are collected into that folder (one subfolder per data
    /// set) and kept, or taken from it where a subfolder already holds its set's complete
    /// collection (same model, settings and data: the collector checks), so measurements and
    /// rebuilds need not run the model again.
    public func load(threads: Int, collection: URL? = nil, progress: (String) -> Void = { _ in }) throws -> SupervisorBundle {
        if let cached = pinnedCopy(at: folder, progress: progress) { return cached }
        let lm = try LanguageModel.load(model)
        let scratch = collection
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("overseer-bundle-\(name)-\(UUID().uuidString)")
        defer { if collection == nil { try? FileManager.default.removeItem(at: scratch) } }
        let (bundle, _) = try train(model: lm, threads: threads, scratch: scratch, progress: progress)
        if let expected = expectedSHA256, expected != bundle.sha256 {
            progress("warning: built-in bundle '\(name)' has SHA-256 \(bundle.sha256), this project's builds give \(expected)")
        }
        try bundle.write(to: folder)
        return bundle
    }
}
