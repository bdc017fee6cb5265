import Foundation
@testable import LabeledData
import XCTest

final class LabeledDataTests: XCTestCase {
    func parse(_ text: String, csv: Bool = false, label: String? = "label") throws -> [LabeledExample] {
        try LabeledData.parse(Data(text.utf8), name: "t", textField: "text", labelField: label, csv: csv)
    }

    func testJSONLinesArrayAndCSVGiveTheSameRows() throws {
        let jsonl = """
            {"text": "a, b", "label": 1, "category": "x"}

            {"text": "say \\"hi\\"", "label": false}
            """
        let array = #"[{"text": "a, b", "label": "1", "category": "x"}, {"text": "say \"hi\"", "label": 0}]"#
        let csv = "text,label,category\r\n\"a, b\",true,x\n\"say \"\"hi\"\"\",0,\n"
        let expected = [LabeledExample(text: "a, b", label: 1, category: "x"), LabeledExample(text: "say \"hi\"", label: 0)]
        XCTAssertEqual(try parse(jsonl), expected)
        XCTAssertEqual(try parse(array), expected)
        var fromCSV = try parse(csv, csv: true)
        XCTAssertEqual(fromCSV[1].category, "")
        fromCSV[1].category = nil
        XCTAssertEqual(fromCSV, expected)
    }

    func testCSVQuotedFieldsMayHoldLineBreaks() throws {
        let rows = try parse("text,label\n\"two\nlines\",1\nplain,0\n", csv: true, label: nil)
        XCTAssertEqual(rows.map(\.text), ["two\nlines", "plain"])
    }

    func testBadInputGivesTypedErrors() {
        XCTAssertThrowsError(try parse(#"{"txt": "a", "label": 1}"#)) {
            XCTAssertEqual($0 as? DataError, .missingField(file: "t", line: 1, field: "text"))
        }
        XCTAssertThrowsError(try parse("{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 2}")) {
            XCTAssertEqual($0 as? DataError, .badLabel(file: "t", line: 2, value: "2"))
        }
        XCTAssertThrowsError(try parse("{\"text\": \"a\", \"label\": 1}\nnot json")) {
            XCTAssertEqual($0 as? DataError, .format(file: "t", line: 2, reason: "not a JSON object"))
        }
        XCTAssertThrowsError(try parse("text,label\n\"open,1\n", csv: true)) {
            XCTAssertEqual($0 as? DataError, .format(file: "t", line: 2, reason: "unterminated quoted field"))
        }
        XCTAssertThrowsError(try parse("text,label\na,1,extra\n", csv: true)) {
            XCTAssertEqual($0 as? DataError, .format(file: "t", line: 2, reason: "3 fields, the header has 2"))
        }
        XCTAssertThrowsError(try DataSource(path: "/nonexistent/file.jsonl").load()) {
            XCTAssertEqual($0 as? DataError, .io("cannot read /nonexistent/file.jsonl"))
        }
        XCTAssertThrowsError(try DataSource(path: "builtin:nope").load()) {
            XCTAssertEqual($0 as? DataError, .unknownBuiltin("nope", available: ["harm", "harm-framing", "harm-framing-more", "harm-framing-wide", "harm-framing-test", "harm-answer-openings",
                                                                                "harm-answer-openings-test", "harm-answers", "harm-answers-test", "truth"]))
        }
    }

    func testConversationsAreReadFromTurns() throws {
        let rows = try parse(#"{"turns": [{"role": "system", "content": "s"}, {"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}], "label": 1, "category": "multi_turn", "source": "w1"}"#)
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].turns?.map(\.role), ["system", "user", "assistant", "user"])
        XCTAssertEqual(rows[0].text, "system: s\nuser: a\nassistant: b\nuser: c")
        XCTAssertEqual(rows[0].source, "w1")
        XCTAssertEqual(rows[0].category, "multi_turn")
        for (turns, reason) in [
            ("[]", "expected a non-empty array of {role, content}"),
            (#"[{"role": "user"}]"#, "turn 1 needs a string role and content"),
            (#"[{"role": "bot", "content": "x"}]"#, "turn 1 has role 'bot' (use system, user or assistant)"),
            (#"[{"role": "user", "content": "x"}, {"role": "system", "content": "y"}, {"role": "user", "content": "z"}]"#,
             "a system turn may only come first"),
            (#"[{"role": "assistant", "content": "y"}]"#,
             "the last turn must be the user's (the request read), or an answer: an assistant turn right after the user's"),
            (#"[{"role": "system", "content": "s"}, {"role": "assistant", "content": "y"}]"#,
             "the last turn must be the user's (the request read), or an answer: an assistant turn right after the user's"),
        ] {
            XCTAssertThrowsError(try parse(#"{"turns": \#(turns), "label": 0}"#)) {
                XCTAssertEqual($0 as? DataError, .badTurns(file: "t", line: 1, reason: reason))
            }
        }
    }

    func testFramingSetsCoverEveryWrapperKindOnBothSidesAndKeepTheTestSetApart() throws {
        let train = try DataSource(path: "builtin:harm-framing").load()
        let test = try DataSource(path: "builtin:harm-framing-test").load()
        let plain = try DataSource(path: "builtin:harm").load()
        XCTAssertEqual(train.count, 520)
        XCTAssertEqual(test.count, 347)
        // The further wrappers: 28 new ones, each carrying harmful and more harmless requests,
        // and 20 harmless conversations; none shares a source with the first 35.
        let more = try DataSource(path: "builtin:harm-framing-more").load()
        XCTAssertEqual(more.count, 468)
        let wrappers = Dictionary(grouping: more.filter { FramingData.kinds.contains($0.category ?? "") }, by: { $0.source ?? "" })
        XCTAssertEqual(wrappers.count, 28)
        XCTAssertTrue(Set(wrappers.keys).isDisjoint(with: train.compactMap(\.source)))
        for (source, rows) in wrappers {
            XCTAssertGreaterThan(rows.filter { $0.label == 0 }.count, rows.filter { $0.label == 1 }.count, source)
            XCTAssertGreaterThan(rows.filter { $0.label == 1 }.count, 0, source)
        }
        // The wide set: 42 more wrappers, harmless twins and near-misses wrapped and plain, and
        // conversations of both labels; again no source shared with the other training sets.
        let wide = try DataSource(path: "builtin:harm-framing-wide").load()
        XCTAssertEqual(wide.count, 750)
        let wideWrappers = Dictionary(grouping: wide.filter { FramingData.kinds.contains($0.category ?? "") }, by: { $0.source ?? "" })
        XCTAssertEqual(wideWrappers.count, 42)
        XCTAssertTrue(Set(wideWrappers.keys).isDisjoint(with: (train + more).compactMap(\.source)))
        for (source, rows) in wideWrappers {
            XCTAssertEqual(rows.filter { $0.label == 1 }.count, 6, source)
            XCTAssertEqual(rows.filter { $0.label == 0 }.count, 9, source)
        }
        XCTAssertEqual(wide.filter { $0.category == "plain" }.count, FramingData.wideHarmless.count)
        XCTAssertEqual(wide.filter { $0.category == "near_miss" }.count, FramingData.wideNearMisses.count)
        let wideChats = wide.filter { $0.category == "conversation" }
        XCTAssertEqual(wideChats.count, 36)
        XCTAssertEqual(wideChats.filter { $0.label == 1 }.count, 12)
        XCTAssertTrue(wideChats.allSatisfy { ($0.turns?.count ?? 0) >= 3 })
        XCTAssertEqual(Set(wide.map(\.text)).count, wide.count, "wide has repeated rows")
        XCTAssertTrue(wide.contains { ($0.turns?.filter { $0.role == "user" }.count ?? 0) >= 4 }, "a request in turn 4")
        let conversations = more.filter { $0.category == "conversation" }
        XCTAssertEqual(conversations.count, 20)
        XCTAssertTrue(conversations.allSatisfy { $0.label == 0 && ($0.turns?.count ?? 0) >= 3 })
        for (name, rows) in [("train", train), ("test", test)] {
            for kind in FramingData.kinds {
                let k = rows.filter { $0.category == kind }
                XCTAssertGreaterThan(k.filter { $0.label == 1 }.count, 0, "\(name) \(kind)")
                XCTAssertGreaterThan(k.filter { $0.label == 0 }.count, k.filter { $0.label == 1 }.count, "\(name) \(kind)")
                XCTAssertEqual(k.allSatisfy { $0.source?.hasPrefix("harm-framing") == true }, true)
            }
            XCTAssertEqual(Set(rows.map(\.text)).count, rows.count, "\(name) has repeated rows")
            XCTAssertTrue(rows.contains { ($0.turns?.filter { $0.role == "user" }.count ?? 0) >= 3 }, "a request in turn 3")
            XCTAssertTrue(rows.contains { $0.turns?.first?.role == "system" }, "a system-turn override")
        }
        // Neither the held-out requests nor its wrappers' words appear in anything trained on.
        let trained = (train + more + wide + plain).map(\.text).joined(separator: "\n")
        for r in FramingData.testHarmful + FramingData.testHarmless + FramingData.testNearMisses {
            XCTAssertFalse(trained.contains(r), r)
        }
        for w in FramingData.testWrappers {
            for t in w.turns {
                for piece in t.content.components(separatedBy: "{r}") where piece.count > 12 {
                    XCTAssertFalse(trained.contains(piece), piece)
                }
            }
        }
    }

    func testSamplingIsSeededAndKeepsOrder() {
        let rows = (0..<100).map { LabeledExample(text: "t\($0)", label: $0 % 2) }
        let a = LabeledData.sample(rows, count: 10, seed: 3), b = LabeledData.sample(rows, count: 10, seed: 3)
        XCTAssertEqual(a, b)
        XCTAssertEqual(Set(a.map(\.text)).count, 10)
        let indices = a.map { Int($0.text.dropFirst())! }
        XCTAssertEqual(indices, indices.sorted())
        XCTAssertNotEqual(a, LabeledData.sample(rows, count: 10, seed: 4))
    }

    func testBuiltinSetsAreBalancedAndDistinct() throws {
        for (name, count, positives) in [("harm", 1320, 420), ("truth", 480, 240)] {
            let rows = try DataSource(path: "builtin:\(name)").load()
            XCTAssertEqual(rows.count, count, name)
            XCTAssertEqual(rows.filter { $0.label == 1 }.count, positives, name)
            XCTAssertEqual(Set(rows.map(\.text)).count, count, "\(name) has repeated texts")
        }
    }

    func testFileLabelOverridesTheLabelField() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("labeled-\(UUID().uuidString).json")
        try Data(#"[{"instruction": "x"}, {"instruction": "y"}]"#.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let rows = try DataSource(path: url.path, textField: "instruction", label: 1).load()
        XCTAssertEqual(rows, [LabeledExample(text: "x", label: 1, source: url.path), LabeledExample(text: "y", label: 1, source: url.path)])
    }
}
