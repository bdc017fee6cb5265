// LimitsTests.swift — hostile templates stop quickly with the right `RenderLimits.Kind`.

import Foundation
import Templates
import XCTest

final class LimitsTests: XCTestCase {
    private func assertLimit(_ source: String, _ kind: RenderLimits.Kind, limits: RenderLimits = .default,
                             context: [String: Value] = [:], file: StaticString = #filePath, line: UInt = #line) {
        let started = Date()
        do {
            let out = try Template(source).render(context, limits: limits)
            XCTFail("rendered \(out.utf8.count) bytes instead of failing", file: file, line: line)
        } catch TemplateError.limitExceeded(let k, let loc) {
            XCTAssertEqual(k, kind, file: file, line: line)
            XCTAssertNotNil(loc, "limit errors say where", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "took too long to stop", file: file, line: line)
    }

    func testNestedLoopsRunOutOfSteps() {
        assertLimit("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", .steps,
                    limits: RenderLimits(maxSteps: 50_000))
    }

    func testHugeRangeIsChargedUpFront() {
        assertLimit("{{ range(1000000000000)|length }}", .steps)
    }

    func testDoublingStringHitsOutputLimit() {
        assertLimit("{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
                    .outputBytes, limits: RenderLimits(maxOutputBytes: 1 << 20))
    }

    func testStringRepetitionHitsOutputLimit() {
        assertLimit("{{ 'abc' * 100000000 }}", .outputBytes, limits: RenderLimits(maxOutputBytes: 1 << 20))
    }

    func testLongOutputHitsOutputLimit() {
        assertLimit("{% for i in range(100000) %}0123456789{% endfor %}", .outputBytes,
                    limits: RenderLimits(maxOutputBytes: 64 << 10))
    }

    func testUnboundedMacroRecursionHitsDepthLimit() {
        assertLimit("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", .recursionDepth)
    }

    func testMutualRecursionHitsDepthLimit() {
        assertLimit("{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}",
                    .recursionDepth, limits: RenderLimits(maxRecursionDepth: 10))
    }

    func testWallTimeLimit() {
        assertLimit("{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}",
                    .wallTime, limits: RenderLimits(maxOutputBytes: .max, maxSteps: .max, maxWallTime: 0.2))
    }

    func testListRepetitionIsCharged() {
        assertLimit("{{ ([1] * 1000000000)|length }}", .steps)
    }

    func testDeepRecursionWithinLimitStillRenders() throws {
        let out = try Template("{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{{ n }}{% endmacro %}{{ f(20) }}")
            .render([:])
        XCTAssertEqual(out, (0...20).map(String.init).joined())
    }

    func testDeeplyNestedSourceIsASyntaxErrorNotACrash() {
        let source = "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}"
        XCTAssertThrowsError(try Template(source)) { error in
            guard case TemplateError.syntax = error else { return XCTFail("got \(error)") }
        }
        let blocks = String(repeating: "{% if true %}", count: 5000) + String(repeating: "{% endif %}", count: 5000)
        XCTAssertThrowsError(try Template(blocks))
    }
}
