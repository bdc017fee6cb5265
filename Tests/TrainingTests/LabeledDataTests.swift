import Foundation
import XCTest
@testable import Training

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
            XCTAssertEqual($0 as? DataError, .unknownBuiltin("nope", available: ["harm", "truth"]))
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
        XCTAssertEqual(rows, [LabeledExample(text: "x", label: 1), LabeledExample(text: "y", label: 1)])
    }
}
