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

    /// Long left-associative chains build trees as deep as nested parentheses would: each kind is
    /// a syntax error at 20,000 links (it overflowed the stack), and a modest chain still renders.
    func testLongOperatorChainsAreSyntaxErrorsNotCrashes() throws {
        let n = 20_000
        let chains = [
            (0..<n).map { _ in "1" }.joined(separator: " + "),
            (0..<n).map { _ in "true" }.joined(separator: " and "),
            (0..<n).map { _ in "false" }.joined(separator: " or "),
            (0..<n).map { _ in "'a'" }.joined(separator: " ~ "),
            "'a'" + String(repeating: "|trim", count: n),
            "x" + String(repeating: ".a", count: n),
            "x" + String(repeating: "[0]", count: n),
            "1" + String(repeating: " is number", count: n),
        ]
        for chain in chains {
            XCTAssertThrowsError(try Template("{{ \(chain) }}"), String(chain.prefix(20))) { error in
                guard case TemplateError.syntax(let m, _) = error else { return XCTFail("got \(error)") }
                XCTAssertTrue(m.contains("nested too deeply"), m)
            }
        }
        XCTAssertEqual(try Template("{{ " + (0..<150).map { _ in "1" }.joined(separator: " + ") + " }}").render([:]), "150")
        XCTAssertEqual(try Template("{{ ' a '" + String(repeating: "|trim", count: 150) + " }}").render([:]), "a")
    }

    /// String-growing operations check the size of what they are about to build first, so a
    /// doubling loop stops at the output limit at once instead of running for tens of seconds.
    func testGrowingStringsStopAtTheLimitBeforeBuilding() {
        // A loop body's `set` is local to the iteration (Jinja scoping): grow through a namespace.
        assertLimit("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s|replace('a', ns.s) %}"
                    + "{% endfor %}{{ ns.s|length }}", .outputBytes)
        assertLimit("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s.replace('b', ns.s ~ ns.s) %}"
                    + "{% endfor %}", .outputBytes)
        assertLimit("{% set s = 'x' * 3000000 %}{{ [s, s, s]|join(s) }}", .outputBytes)
        assertLimit("{% set s = 'x' * 3000000 %}{{ s.join([s, s, s]) }}", .outputBytes)
        assertLimit("{% set s = 'x' * 3000000 %}{{ ([s] * 1000)|tojson }}", .outputBytes)
        assertLimit("{% set s = 'x\n' * 1000000 %}{{ s|indent(1000) }}", .outputBytes)
    }
}

final class HostileInputTests: XCTestCase {
    func testDeeplyNestedValuesAreRefused() {
        let source = "{% set ns = namespace(x=0) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}"
        XCTAssertThrowsError(try Template(source).render([:])) { error in
            guard case TemplateError.runtime(let msg, _) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(msg.contains("nested"), msg)
        }
    }

    func testExtremeArgumentsFailCleanly() throws {
        XCTAssertEqual(try Template("{{ [1, 2, 3][::9223372036854775807] }}").render([:]), "[1]")
        XCTAssertEqual(try Template("{{ [1, 2, 3][::-9223372036854775807] }}").render([:]), "[3]")
        XCTAssertEqual(try Template("{{ range(0, 10, -9223372036854775807 - 1)|list }}").render([:]), "[]")
        XCTAssertEqual(try Template("{{ range(10, 0, -9223372036854775807 - 1)|list }}").render([:]), "[10]")
        XCTAssertThrowsError(try Template("{{ range(-9223372036854775807, 9223372036854775807)|length }}").render([:]))
        XCTAssertThrowsError(try Template("{{ '%999999999s' % 'x' }}").render([:], limits: RenderLimits(maxOutputBytes: 1000)))
        XCTAssertEqual(try Template("{{ -9223372036854775807 - 1 }}").render([:]), "-9223372036854775808")
        XCTAssertThrowsError(try Template("{{ -(-9223372036854775807 - 1) }}").render([:]))
        XCTAssertThrowsError(try Template("{{ 99999999999999999999 }}"))
    }

    func testGarbageNeverTraps() {
        // Every prefix of a real template must either parse or throw, never crash.
        let source = (try? Fixtures.templateSource("qwen3.jinja")) ?? ""
        var index = source.startIndex
        var count = 0
        while index < source.endIndex {
            _ = try? Template(String(source[..<index])).render(["messages": [["role": "user", "content": "x"]]])
            index = source.index(index, offsetBy: 37, limitedBy: source.endIndex) ?? source.endIndex
            count += 1
        }
        XCTAssertGreaterThan(count, 50)
    }
}
