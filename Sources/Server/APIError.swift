// Errors as the OpenAI API reports them: an HTTP status and a JSON body
//   {"error": {"message": "...", "type": "...", "param": "..." | null, "code": "..." | null}}
// Clients (the official `openai` package among them) raise a typed exception from the status and
// show `message`; `param` names the offending request field.

import Foundation
import Hummingbird

/// An error with the HTTP status it is answered with.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    /// OpenAI's error `type`: invalid_request_error, authentication_error, not_found_error, ...
    public var type: String
    public var param: String?
    public var code: String?
    /// Seconds a client should wait before retrying (429, 503).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ message: String, type: String? = nil, param: String? = nil,
                code: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.type = type ?? Self.defaultType(status)
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(type): \(message)" }

    static func defaultType(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400, 413, 422: return "invalid_request_error"
        case 401: return "authentication_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 429: return "rate_limit_error"
        case 503: return "service_unavailable"
        default: return "server_error"
        }
    }

    /// A 400 naming the request field at fault.
    static func badRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(.badRequest, message, param: param, code: code)
    }

    static let shuttingDown = APIError(.serviceUnavailable, "the server is shutting down", code: "shutting_down", retryAfter: 5)

    /// The JSON body.
    struct Body: Encodable {
        struct Inner: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String?
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(message, forKey: .message)
                try c.encode(type, forKey: .type)
                try c.encode(param, forKey: .param)   // explicit null, as OpenAI sends it
                try c.encode(code, forKey: .code)
            }
            enum CodingKeys: String, CodingKey { case message, type, param, code }
        }
        var error: Inner
    }

    var body: Body { Body(error: .init(message: message, type: type, param: param, code: code)) }

    /// The error as a response.
    var response: Response {
        var response = OverseerServer.json(body, status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    /// The error for anything a handler threw: our own errors as they are, Hummingbird's HTTP
    /// errors (404 for an unknown route, 413 for a body over the limit) with their status.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError:
            return e
        case let e as HTTPError:
            switch e.status {
            case .notFound: return APIError(.notFound, "no such endpoint", code: "not_found")
            case .contentTooLarge: return APIError(.contentTooLarge, "the request body is too large", code: "body_too_large")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "method not allowed for this endpoint")
            default: return APIError(e.status, e.body ?? e.status.reasonPhrase)
            }
        case let e as HTTPResponseError:
            return APIError(e.status, "\(e)")
        default:
            return APIError(.internalServerError, "internal error: \(error)")
        }
    }
}

/// Turns every error a route throws (and the router's own 404) into OpenAI's error object.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return APIError.from(error).response
        }
    }
}

/// JSON as the API writes it: sorted keys (stable output for tests and diffs), no escaped slashes.
enum JSONCoding {
    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every type the API encodes is plain data; a failure here is a bug, reported as such.
        do { return try encoder.encode(value) } catch {
            return Data(#"{"error":{"message":"internal error: cannot encode the response","type":"server_error","param":null,"code":null}}"#.utf8)
        }
    }
}
