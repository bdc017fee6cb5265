// Data sets shipped inside the binary, written for this project, so the demo and the default
// supervisor bundle need nothing outside the repository. Named `builtin:NAME` wherever a data
// file is expected.

/// A built-in labeled data set (JSON Lines with `text`, `label`, `category`).
public struct BuiltinData: Sendable {
    public var name: String
    public var summary: String
    public var jsonl: String

    public static let all: [BuiltinData] = [
        BuiltinData(name: "harm", summary: "harmful (1) vs harmless (0) user requests, with near-misses on the harmless side",
                    jsonl: HarmRequestsData.jsonl),
        BuiltinData(name: "truth", summary: "true (1) vs false (0) short factual statements",
                    jsonl: TruthStatementsData.jsonl),
    ]

    public static func named(_ name: String) throws -> BuiltinData {
        guard let d = all.first(where: { $0.name == name }) else {
            throw DataError.unknownBuiltin(name, available: all.map(\.name))
        }
        return d
    }
}
