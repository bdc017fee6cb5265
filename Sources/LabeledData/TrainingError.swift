// Errors along the path from labeled data to a fitted detector: collecting, fitting, choosing
// and evaluating. Every module on that path (Activations, Probes, Evaluation, SAE's feature
// bundles, Training) throws these, so they live in the lowest of them.

public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case oneClass(String)
    case badOption(String)
    case noData(String)
    case notConverged(String)

    public var description: String {
        switch self {
        case .oneClass(let m): return "training needs examples of both labels: \(m)"
        case .badOption(let m): return m
        case .noData(let m): return m
        case .notConverged(let m): return m
        }
    }
}
