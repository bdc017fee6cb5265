// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
// the browser reads NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4).
// Tests open a page, evaluate JavaScript in it while it keeps streaming (a `--dump-dom` run
// cannot: it dumps once, when it decides the page has loaded), and take screenshots.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public final class HeadlessChromium: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static let skipMessage = "Chromium is not installed: run `make deps` (apt-get install chromium) to enable the live-page tests"

    /// The browser's executable, or nil when it is not installed.
    public static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    let process = Process()
    let toBrowser = Pipe()
    let fromBrowser = Pipe()
    let profile: URL
    private var nextID = 0
    private var buffer = Data()
    private var session: String?

    /// Starts the browser (a fresh profile, no sandbox: tests run as root in CI).
    public init(width: Int = 1100, height: Int = 700) throws {
        guard let exe = Self.executable else { throw Failure(description: Self.skipMessage) }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("overseer-chromium-\(UUID().uuidString)")
        // The shell maps our pipes onto the descriptors the browser expects (3: commands in, 4: out).
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" \"$@\" 3<&0 4>&1 0</dev/null 1>/dev/null", exe,
                             "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--remote-debugging-pipe", "--user-data-dir=\(profile.path)", "--window-size=\(width),\(height)",
                             "--hide-scrollbars", "about:blank"]
        process.standardInput = toBrowser
        process.standardOutput = fromBrowser
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first answer waits for the browser's start-up, which takes seconds on an idle
        // machine and much longer on two cores busy with the servers under test.
        try send("Browser.getVersion", seconds: 120)
    }

    deinit { close() }

    public func close() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: profile)
    }

    /// Sends one command and waits (up to `seconds`) for its reply's `result`.
    @discardableResult
    public func send(_ method: String, _ params: [String: Any] = [:], seconds: Double = 60) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session, !method.hasPrefix("Target.") { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        toBrowser.fileHandleForWriting.write(data)
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            guard let reply = try nextMessage(deadline: deadline) else { break }
            guard reply["id"] as? Int == id else { continue }  // an event, or another reply
            if let error = reply["error"] as? [String: Any] { throw Failure(description: "\(method): \(error)") }
            return reply["result"] as? [String: Any] ?? [:]
        }
        throw Failure(description: "Chromium did not answer \(method) within \(seconds) s")
    }

    private func nextMessage(deadline: Date) throws -> [String: Any]? {
        let fd = fromBrowser.fileHandleForReading.fileDescriptor
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let chunk = buffer[buffer.startIndex..<end]
                buffer = Data(buffer[(end + 1)...])
                return try JSONSerialization.jsonObject(with: chunk) as? [String: Any]
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(min(left, 1) * 1000)) > 0 else { continue }
            var bytes = [UInt8](repeating: 0, count: 1 << 16)
            let n = read(fd, &bytes, bytes.count)
            guard n > 0 else { throw Failure(description: "Chromium closed its DevTools pipe") }
            buffer.append(contentsOf: bytes[0..<n])
        }
    }

    /// Opens `url` in a new page and attaches to it; later commands go to that page.
    public func open(_ url: String) throws {
        let target = try send("Target.createTarget", ["url": url])
        guard let id = target["targetId"] as? String else { throw Failure(description: "no target id") }
        let attached = try send("Target.attachToTarget", ["targetId": id, "flatten": true])
        session = attached["sessionId"] as? String
    }

    /// The value of a JavaScript expression in the page (strings, numbers, booleans, JSON-able objects).
    public func evaluate(_ expression: String) throws -> Any? {
        let r = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        return (r["result"] as? [String: Any])?["value"]
    }

    /// Evaluates `expression` every 100 ms until it is a non-empty string or true, or `seconds` pass.
    public func waitFor(_ expression: String, seconds: Double) throws -> Any? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        repeat {
            let v = try evaluate(expression)
            if let s = v as? String, !s.isEmpty { return s }
            if let b = v as? Bool, b { return b }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        return nil
    }

    /// A PNG of the page as it is drawn now.
    public func screenshot() throws -> Data {
        let r = try send("Page.captureScreenshot", ["format": "png"])
        guard let b64 = r["data"] as? String, let png = Data(base64Encoded: b64) else { throw Failure(description: "no screenshot data") }
        return png
    }
}
