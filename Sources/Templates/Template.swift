// Template.swift — the public entry points: compile once, render many times.
//
// `Template` is the general Jinja subset; `ChatTemplate` (ChatTemplate.swift) wraps it with the
// variables Hugging Face passes to chat templates.

import Foundation

/// A compiled template.
///
/// ```swift
/// let t = try Template("Hello {{ name | upper }}!")
/// let s = try t.render(["name": "ada"])   // "Hello ADA!"
/// ```
public struct Template: Sendable {
    private let body: [Stmt]
    /// The whitespace settings the template was compiled with.
    public let options: TemplateOptions

    /// Parses `source`; throws `TemplateError.syntax` with the location of the first error.
    public init(_ source: String, options: TemplateOptions = .huggingFace) throws {
        self.options = options
        self.body = try Parser.parse(try Lexer.tokenize(source, options: options))
    }

    /// Renders with `context` as the template's variables.
    ///
    /// - Parameters:
    ///   - limits: the sandbox budget; exceeding it throws `TemplateError.limitExceeded`.
    ///   - now: the time `strftime_now` reports; pin it for reproducible output.
    public func render(_ context: [String: Value], limits: RenderLimits = .default, now: Date = Date()) throws -> String {
        let interpreter = Interpreter(limits: limits, now: now)
        defer { interpreter.releaseReferences() }
        let globals = Scope(parent: nil)
        globals.vars = context
        return try interpreter.render(body, scope: Scope(parent: globals))
    }
}

// The AST holds only values and strings; rendering never mutates it.
extension Stmt: @unchecked Sendable {}
