// ErrorTests.swift — typed errors carry useful messages and source locations.

import Templates
import XCTest

final class ErrorTests: XCTestCase {
    private func syntaxError(_ source: String, file: StaticString = #filePath, line: UInt = #line)
        -> (String, SourceLocation)?
    {
        do {
            _ = try Template(source)
            XCTFail("parsed", file: file, line: line)
        } catch TemplateError.syntax(let msg, let loc) {
            return (msg, loc)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return nil
    }

    func testSyntaxErrorLocations() {
        XCTAssertEqual(syntaxError("ok\n\n{{ 1 + }}")?.1, SourceLocation(line: 3, column: 8))
        XCTAssertEqual(syntaxError("a\n  {% frobnicate %}")?.1, SourceLocation(line: 2, column: 3))
        XCTAssertEqual(syntaxError("{{ 'abc }}")?.1, SourceLocation(line: 1, column: 4))
        let unclosed = syntaxError("line one\n{% if x %}unfinished")
        XCTAssertEqual(unclosed?.1.line, 2)
        XCTAssertTrue(unclosed?.0.contains("endif") ?? false, unclosed?.0 ?? "")
        XCTAssertTrue(syntaxError("{{ x | nosuch }}")?.0.contains("nosuch") ?? false)
        XCTAssertTrue(syntaxError("{{ x is nosuch }}")?.0.contains("nosuch") ?? false)
        XCTAssertNotNil(syntaxError("{# never closed"))
        XCTAssertNotNil(syntaxError("{% raw %}never closed"))
        XCTAssertNotNil(syntaxError("{{ (1 }}"))
        XCTAssertNotNil(syntaxError("{% for in x %}{% endfor %}"))
    }

    func testErrorDescriptionNamesTheLocation() {
        let e = TemplateError.syntax("unexpected 'x'", SourceLocation(line: 4, column: 2))
        XCTAssertEqual(e.description, "template syntax error at line 4, column 2: unexpected 'x'")
    }

    func testRaiseExceptionSurfacesMessageAndLocation() throws {
        let t = try Template("line\n  {{ raise_exception('Roles must alternate: ' ~ n) }}")
        XCTAssertThrowsError(try t.render(["n": 3])) { error in
            guard case TemplateError.raised(let msg, let loc) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(msg, "Roles must alternate: 3")
            XCTAssertEqual(loc?.line, 2)
        }
    }

    func testRuntimeErrorsAreLocated() throws {
        let t = try Template("a\nb {{ x.y.z }}")
        XCTAssertThrowsError(try t.render(["x": [:]])) { error in
            guard case TemplateError.runtime(let msg, let loc) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(msg.contains("'y'"), msg)
            XCTAssertEqual(loc?.line, 2)
        }
        XCTAssertThrowsError(try Template("{{ 1 // 0 }}").render([:]))
        XCTAssertThrowsError(try Template("{{ 2 ** 70 }}").render([:])) { error in
            guard case TemplateError.runtime(let msg, _) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(msg.contains("overflow"), msg)
        }
        XCTAssertThrowsError(try Template("{{ 'a' - 1 }}").render([:]))
        XCTAssertThrowsError(try Template("{{ 5() }}").render([:]))
        XCTAssertThrowsError(try Template("{% for a, b in [1, 2] %}{% endfor %}").render([:]))
        XCTAssertThrowsError(try Template("{{ {[1]: 2} }}").render([:])) { error in
            guard case TemplateError.runtime(let msg, _) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(msg.contains("unhashable type: 'list'"), msg)
        }
    }

    /// As in jinja2's compiler, an unknown filter or test inside an `if` statement or a
    /// conditional expression fails only when evaluated, so a template that uses one only in a
    /// branch it never takes (DeepSeek's `from_json`) loads and renders; elsewhere (including a
    /// loop or macro body inside an `if`, which jinja2 compiles in a new frame) it is a syntax error.
    func testUnknownFiltersAndTestsInConditionalsFailOnlyWhenEvaluated() throws {
        let t = try Template("{% if x %}{% elif x is jsonish %}{{ x|from_json }}{% else %}{{ 1 if y else y|nope }}{% endif %}ok")
        XCTAssertEqual(try t.render(["x": "1"]), "ok")
        XCTAssertEqual(try Template("{{ 1 if true else x|from_json }}").render([:]), "1")
        XCTAssertThrowsError(try Template("{% if true %}{{ 'x'|from_json }}{% endif %}").render([:])) { error in
            guard case TemplateError.runtime(let m, _) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(m.contains("no filter named 'from_json'"), m)
        }
        for source in ["{{ 'x'|from_json }}", "{{ 'x' is jsonish }}", "{% if true %}{% for i in x %}{{ i|nope }}{% endfor %}{% endif %}",
                       "{% filter nope %}x{% endfilter %}"] {
            XCTAssertThrowsError(try Template(source), source) { error in
                guard case TemplateError.syntax = error else { return XCTFail("\(source): got \(error)") }
            }
        }
    }

    /// jinja2's select/reject family yields nothing for a falsy sequence (none, undefined).
    func testSelectAndRejectOnNoneGiveNothing() throws {
        XCTAssertEqual(try Template("{{ none|selectattr('a')|list }}|{{ none|reject('none')|list }}|{{ missing|select|list }}")
            .render([:]), "[]|[]|[]")
    }
}
