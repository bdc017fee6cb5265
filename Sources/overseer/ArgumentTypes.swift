// Option values as types: ArgumentParser parses and checks them, and a bad value is one line
// naming the option and the accepted forms ("The value 'x' is invalid for '--kind <kind>'.
// Please provide one of 'logistic', 'diffmean' and 'mlp'.") instead of a hand-written check or
// a trap on an empty string.

import Activations
import ArgumentParser
import Detectors
import Probes
import SAE

extension TrainOptions.Kind: ExpressibleByArgument {}
extension LogisticOptions.Solver: ExpressibleByArgument {}
extension DirectionDetector.Normalization: ExpressibleByArgument {}
extension RuleAction: ExpressibleByArgument {}
extension RuleScope: ExpressibleByArgument {}
extension SplitKey: ExpressibleByArgument {}
extension SAEEncoderPrecision: ExpressibleByArgument {}

extension Aggregation: ExpressibleByArgument {
    /// last | max:N | mean:N | ema:N, N in 1...maxWindow.
    public init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), let kind = Aggregation.Kind(rawValue: parts[0]) else { return nil }
        let window = parts.count > 1 ? Int(parts[1]) : 1
        guard let window, (1...Aggregation.maxWindow).contains(window) else { return nil }
        self.init(kind: kind, window: window)
    }
    public static var defaultCompletionKind: CompletionKind { .list(["last", "max:4", "mean:4", "ema:4"]) }
}

extension TrainOptions.Pick: ExpressibleByArgument {
    /// best | all | N ≥ 1.
    public init?(argument: String) { try? self.init(parsing: argument) }
}

extension PositionSelection: ExpressibleByArgument {
    /// last | last:N | mean | all.
    public init?(argument: String) { try? self.init(parsing: argument) }
}

/// The element type of stored activations.
enum StoredType: String, ExpressibleByArgument, CaseIterable {
    case f32, f16
}

/// A comma-separated list of positive, finite numbers (e.g. L2 strengths); an empty item or a
/// non-positive value makes the whole argument invalid.
struct PositiveNumbers: ExpressibleByArgument, CustomStringConvertible {
    let values: [Double]

    init?(argument: String) {
        var values: [Double] = []
        for item in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let v = Double(item.trimmingCharacters(in: .whitespaces)), v.isFinite, v > 0 else { return nil }
            values.append(v)
        }
        self.values = values
    }

    var description: String { values.map { "\($0)" }.joined(separator: ",") }
}

/// Checks a number option that must be finite and inside `range` (NaN fails every range test
/// silently otherwise: `nan > 0` is false, but so is `nan <= 0`).
func requireFinite<T: BinaryFloatingPoint>(_ value: T, in range: ClosedRange<T>, _ option: String) throws {
    guard value.isFinite, range.contains(value) else {
        throw ValidationError("\(option) must be a finite number in \(range.lowerBound)...\(range.upperBound), not \(value)")
    }
}
