// ChatTemplateTests.swift — the public chat API on real templates, and `Value` conversions.

import Foundation
import Templates
import XCTest

final class ChatTemplateTests: XCTestCase {
    func testSmolLM2ThroughTheMessageAPI() throws {
        let template = try ChatTemplate(source: try Fixtures.templateSource("smollm2.jinja"))
        let out = try template.render(messages: [ChatMessage(role: "user", content: "Hi")], addGenerationPrompt: true,
                                      bosToken: "", eosToken: "")
        XCTAssertEqual(out, "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
            + "<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    func testQwen3ToolCallsFromMessageExtras() throws {
        let template = try ChatTemplate(source: try Fixtures.templateSource("qwen3.jinja"))
        let call: Value = ["function": ["name": "get_weather", "arguments": ["city": "Paris"]]]
        let messages = [
            ChatMessage(role: "user", content: "Weather?"),
            ChatMessage(role: "assistant", content: "", extra: OrderedDict([("tool_calls", [call])])),
            ChatMessage(role: "tool", content: "sunny"),
        ]
        let out = try template.render(messages: messages, addGenerationPrompt: true, bosToken: "", eosToken: "",
                                      extra: ["enable_thinking": false])
        XCTAssertEqual(out, "<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\n<tool_response>\nsunny\n</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n<think>\n\n</think>\n\n")
    }

    func testLlama32DateComesFromNow() throws {
        let template = try ChatTemplate(source: try Fixtures.templateSource("llama3.2.jinja"))
        let out = try template.render(messages: [ChatMessage(role: "user", content: "Hi")], addGenerationPrompt: false,
                                      bosToken: "<|begin_of_text|>", eosToken: "", now: Fixtures.now)
        XCTAssertTrue(out.contains("Today Date: 26 Jul 2024\n"), out)
        XCTAssertTrue(out.hasPrefix("<|begin_of_text|><|start_header_id|>system"), out)
    }

    func testGenerationBlockRendersItsBody() throws {
        XCTAssertEqual(try Template("a{% generation %}b{{ 1 }}{% endgeneration %}c").render([:]), "ab1c")
    }

    func testOptionsCanTurnOffHFWhitespaceHandling() throws {
        let source = "  {% if true %}\nx\n{% endif %}\n"
        XCTAssertEqual(try Template(source).render([:]), "x\n")
        let plain = TemplateOptions(trimBlocks: false, lstripBlocks: false, keepTrailingNewline: true)
        XCTAssertEqual(try Template(source, options: plain).render([:]), "  \nx\n\n")
    }

    func testValueFromJSONKeepsKeyOrder() throws {
        let v = try Value(json: #"{"z": 1, "a": [true, null, 2.5, "\u00e9\n"], "m": {}}"#)
        guard case .dict(let d) = v else { return XCTFail() }
        XCTAssertEqual(d.keys, ["z", "a", "m"])
        XCTAssertEqual(d["a"], [true, nil, 2.5, "é\n"])
        XCTAssertEqual(try Template("{{ v | tojson }}").render(["v": v]), #"{"z": 1, "a": [true, null, 2.5, "é\n"], "m": {}}"#)
    }

    func testValueFromFoundationJSON() throws {
        let object = try JSONSerialization.jsonObject(with: Data(#"{"b": true, "i": 3, "f": 1.5, "s": "x", "n": null}"#.utf8))
        let v = try Value(jsonObject: object)
        XCTAssertEqual(v, ["b": true, "f": 1.5, "i": 3, "n": nil, "s": "x"])
        XCTAssertEqual(try Template("{{ v.b is boolean }} {{ v.i is integer }} {{ v.f is float }}").render(["v": v]),
                       "True True True")
    }

    func testPythonFloatFormatting() throws {
        let out = try Template("{{ a }} {{ b }} {{ c }} {{ d }} {{ e }} {{ f }}")
            .render(["a": 1e16, "b": 123456789.0, "c": 0.0001, "d": 1.5e-7, "e": -0.0, "f": 3.0])
        XCTAssertEqual(out, "1e+16 123456789.0 0.0001 1.5e-07 -0.0 3.0")
    }
}
