// FixtureSupport.swift — loads the jinja2-generated fixtures that the conformance tests replay.
//
// Fixtures live in Fixtures/ beside this file and are read by path (the test target declares no
// resources). `generate_fixtures.py` there rebuilds them from Python jinja2.

import Foundation
import Templates

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The instant the fixtures' `strftime_now` reports (2024-07-26 12:00:00 UTC).
    static let now = Date(timeIntervalSince1970: 1_721_995_200)

    struct Case {
        var name: String
        var file: String?
        var template: String?
        var context: [String: Value]
        var expected: String?
        var error: String?
        var errorLine: Int?
        var message: String?
    }

    static func load(_ name: String) throws -> [Case] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        guard case .array(let items) = try Value(json: text) else { throw FixtureError.malformed(name) }
        return try items.map { item in
            guard case .dict(let d) = item, case .string(let caseName)? = d["name"],
                  case .dict(let ctx)? = d["context"] else { throw FixtureError.malformed(name) }
            var context: [String: Value] = [:]
            for case (.string(let k), let v) in ctx.pairs { context[k] = v }
            func string(_ key: String) -> String? {
                if case .string(let s)? = d[key] { return s }
                return nil
            }
            var line: Int? = nil
            if case .int(let l)? = d["error_line"] { line = l }
            return Case(name: caseName, file: string("file"), template: string("template"), context: context,
                        expected: string("expected"), error: string("error"), errorLine: line, message: string("message"))
        }
    }

    static func templateSource(_ file: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("templates").appendingPathComponent(file), encoding: .utf8)
    }

    enum FixtureError: Error { case malformed(String) }
}

/// Describes how a render's outcome differs from the fixture's, or nil when it matches.
func mismatch(_ c: Fixtures.Case, _ render: () throws -> String) -> String? {
    do {
        let out = try render()
        if let expected = c.expected {
            return out == expected ? nil : "expected \(expected.debugDescription)\n   got \(out.debugDescription)"
        }
        return "expected \(c.error ?? "an error"), got output \(out.debugDescription)"
    } catch let e as TemplateError {
        guard let error = c.error else { return "expected output, got \(e)" }
        switch (error, e) {
        case ("TemplateSyntaxError", .syntax(_, let loc)):
            if let line = c.errorLine, line != loc.line { return "syntax error at line \(loc.line), jinja2 says \(line)" }
            return nil
        case ("TemplateError", .raised(let msg, _)):
            return msg == c.message ? nil : "raised \(msg.debugDescription), expected \(c.message ?? "")"
        case ("UndefinedError", .runtime), ("TypeError", .runtime), ("ZeroDivisionError", .runtime),
             ("SecurityError", .runtime), ("TemplateRuntimeError", .runtime):
            return nil
        default:
            return "expected \(error), got \(e)"
        }
    } catch {
        return "unexpected error type: \(error)"
    }
}
