// ConformanceTests.swift — renders every fixture case and compares with Python jinja2's output.
//
// features.json holds one small template per language feature; real_templates.json holds real
// models' chat templates on several conversations. All expected strings (or error classes) come
// from jinja2 configured as HF transformers configures it (see Fixtures/generate_fixtures.py).

import Templates
import XCTest

final class ConformanceTests: XCTestCase {
    func testLanguageFeaturesMatchJinja2() throws {
        let cases = try Fixtures.load("features.json")
        XCTAssertGreaterThan(cases.count, 80)
        var failures: [String] = []
        for c in cases {
            if let problem = mismatch(c, {
                try Template(c.template!).render(c.context, now: Fixtures.now)
            }) {
                failures.append("\(c.name): \(problem)")
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) of \(cases.count) cases differ:\n" + failures.joined(separator: "\n"))
    }

    func testRealChatTemplatesMatchJinja2() throws {
        let cases = try Fixtures.load("real_templates.json")
        var failures: [String] = []
        var perFile: [String: Int] = [:]
        for c in cases {
            let file = c.file!
            perFile[file, default: 0] += 1
            let template = try ChatTemplate(source: try Fixtures.templateSource(file))
            if let problem = mismatch(c, { try template.render(context: c.context, now: Fixtures.now) }) {
                failures.append("\(file) / \(c.name): \(problem)")
            }
        }
        XCTAssertEqual(Set(perFile.keys), ["smollm2.jinja", "llama3.jinja", "llama3.1.jinja", "llama3.2.jinja",
                                           "qwen2.5.jinja", "qwen3.jinja", "gemma3.jinja"])
        XCTAssert(failures.isEmpty, "\(failures.count) of \(cases.count) cases differ:\n" + failures.joined(separator: "\n"))
    }
}
