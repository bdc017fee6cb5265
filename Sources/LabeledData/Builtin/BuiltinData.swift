// Data sets shipped inside the binary, written for this project, so the demo and the default
// supervisor bundle need nothing outside the repository. Named `builtin:NAME` wherever a data
// file is expected.

/// A built-in labeled data set (JSON Lines with `text` or `turns`, `label`, `category`, and
/// `source` where the rows come from several wrappers).
public struct BuiltinData: Sendable {
    public var name: String
    public var summary: String
    public var jsonl: String

    public static let all: [BuiltinData] = [
        BuiltinData(name: "harm", summary: "harmful (1) vs harmless (0) user requests, with near-misses on the harmless side",
                    jsonl: HarmRequestsData.jsonl),
        BuiltinData(name: "harm-framing",
                    summary: "builtin:harm's requests and near-misses under 35 wrappers (personas, fiction, hypotheticals, games, prefix instructions, system overrides, conversations)",
                    jsonl: FramingData.trainJSONL),
        BuiltinData(name: "harm-framing-more",
                    summary: "28 further training wrappers (4 per kind) over builtin:harm's requests, and 20 harmless conversations; not in the harm bundle (measured: it adds nothing on validation beside harm-framing-wide)",
                    jsonl: FramingData.moreJSONL),
        BuiltinData(name: "harm-framing-wide",
                    summary: "in the harm bundle: 42 further training wrappers (6 per kind: product personas and system prompts, games and requests over several turns), 60 harmless twins of harmful requests, 24 near-misses, 36 conversations",
                    jsonl: FramingData.wideJSONL),
        BuiltinData(name: "harm-framing-test",
                    summary: "held-out framing set: new requests under 21 new wrappers, and plain; for reports only",
                    jsonl: FramingData.testJSONL),
        BuiltinData(name: "harm-answer-openings",
                    summary: "answer openings (compliant or refusing) after requests of builtin:harm and builtin:harm-framing, for the model to continue (overseer data complete)",
                    jsonl: AnswerData.trainJSONL),
        BuiltinData(name: "harm-answer-openings-test",
                    summary: "held-out answer openings after the requests of builtin:harm-framing-test; for reports only",
                    jsonl: AnswerData.testJSONL),
        BuiltinData(name: "harm-answers",
                    summary: "the model's own answers (openings of builtin:harm-answer-openings continued by SmolLM2): harmful (1) vs helpful or refusing (0)",
                    jsonl: AnswerCompletionsData.trainJSONL),
        BuiltinData(name: "harm-answers-test",
                    summary: "held-out answers (openings of builtin:harm-answer-openings-test continued by SmolLM2); for reports only",
                    jsonl: AnswerCompletionsData.testJSONL),
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
