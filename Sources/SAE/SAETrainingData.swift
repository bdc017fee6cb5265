// The rows an SAE trains on, taken from activation stores written by `overseer collect`.
//
// Several stores join in order. Without a separate held-out store, texts are split by the same
// seeded hash `overseer train` uses, so a text's tokens are all in training or all held out:
// held-out figures never score tokens whose neighbours the SAE was fitted on.
//
// Legend: D = the tap's width.

import Activations
import Probes
import Taps

/// Training and held-out rows of one tap, row-major.
public struct SAETrainingData: Sendable {
    public var tap: TapPoint
    public var width: Int
    public var train: [Float]  // [trainRows, D]
    public var held: [Float]  // [heldRows, D]
    public var trainRows: Int { train.count / max(width, 1) }
    public var heldRows: Int { held.count / max(width, 1) }

    /// `tap` (nil: the first store's only tap) from `stores`; held-out rows from `heldOut`
    /// when given, else the texts that the hash split with `seed` sends to validation.
    public init(stores: [ActivationStore], tap: TapPoint?, heldOut: ActivationStore?, seed: UInt64,
                validationFraction: Double) throws {
        guard let first = stores.first else { throw SAEError.invalidConfiguration("no activation folder") }
        if let tap { self.tap = tap } else {
            guard first.taps.count == 1 else {
                throw SAEError.invalidConfiguration("the store has \(first.taps.count) taps: choose one with --tap")
            }
            self.tap = first.taps[0]
        }
        width = try first.dimension(self.tap)
        let D = width
        for other in stores.dropFirst() {
            guard other.index.settings.modelSHA256 == first.index.settings.modelSHA256, try other.dimension(self.tap) == D else {
                throw SAEError.invalidConfiguration("the activation folders come from different models or lack \(self.tap)")
            }
        }
        train = []
        held = []
        for s in stores {
            let all = try s.matrix(self.tap)
            if heldOut != nil { train += all; continue }
            let inValidation = s.examples.map { ProbeTrainer.isValidation($0.text, seed: seed, fraction: validationFraction) }
            for r in 0..<s.rowCount {
                if inValidation[s.rowExamples[r]] { held += all[(r * D)..<((r + 1) * D)] } else { train += all[(r * D)..<((r + 1) * D)] }
            }
        }
        if let heldOut {
            guard try heldOut.dimension(self.tap) == D else { throw SAEError.invalidConfiguration("the held-out folder's \(self.tap) is not \(D) wide") }
            held = try heldOut.matrix(self.tap)
        }
    }
}
