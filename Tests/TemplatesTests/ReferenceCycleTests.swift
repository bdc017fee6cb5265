// ReferenceCycleTests.swift — a render frees everything it made, even what refers to itself.

import Foundation
@testable import Templates
import XCTest

final class ReferenceCycleTests: XCTestCase {
    /// Macros (stored in the scope they close over), call blocks, and a namespace stored in
    /// itself are reference cycles; each render must break them, or a process that renders many
    /// templates grows without bound. Counts live scopes and namespaces (debug builds).
    func testRenderFreesMacroScopesAndNamespaces() throws {
        #if DEBUG
        let sources = [
            "{% macro m(x, y=2) %}{{ x ~ y }}{% endmacro %}{% for i in range(3) %}{{ m(i) }}{% endfor %}",
            "{% macro outer() %}{% macro inner() %}in{% endmacro %}{{ inner() }}{{ caller() }}{% endmacro %}"
                + "{% call outer() %}c{% endcall %}",
            "{% set ns = namespace(n=0) %}{% set ns.me = ns %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}",
        ]
        let expected = ["021222", "inc", "6"]
        let templates = try sources.map { try Template($0) }
        let before = LiveObject.count.load(ordering: .relaxed)
        for _ in 0..<50 {
            for (t, want) in zip(templates, expected) { XCTAssertEqual(try t.render([:]), want) }
        }
        // A render that fails part-way frees what it made too.
        let failing = try Template("{% macro m() %}x{% endmacro %}{{ m() }}{{ raise_exception('stop') }}")
        XCTAssertThrowsError(try failing.render([:]))
        XCTAssertEqual(LiveObject.count.load(ordering: .relaxed), before, "scopes or namespaces outlived their render")
        #else
        throw XCTSkip("live-object counts exist in debug builds only")
        #endif
    }
}
