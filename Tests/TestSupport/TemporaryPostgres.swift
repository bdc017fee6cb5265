// A throwaway PostgreSQL server for tests: a new data directory under /tmp, listening on a free
// loopback port only, trust authentication (nothing but this machine can reach it), stopped
// and deleted when the object goes away.
//
// initdb refuses to run as root, so as root (CI) the server's programs run as `nobody` through
// `runuser`; the data directory is handed to that user first. Debian's `postgresql` package
// puts initdb and pg_ctl in /usr/lib/postgresql/<major>/bin (the Makefile's `deps` installs it).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public final class TemporaryPostgres: @unchecked Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static let skipMessage = "PostgreSQL is not installed (no initdb/pg_ctl in /usr/lib/postgresql/*/bin): "
        + "run `make deps` (apt-get install postgresql) to enable these tests"

    public let port: Int
    public let directory: URL
    let bin: URL
    /// `runuser -u nobody --` when running as root, else nothing.
    let asServerUser: [String]
    private var stopped = false

    /// The superuser's URL for `database`.
    public func url(user: String = "postgres", database: String = "postgres") -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)"
    }

    /// The folder holding initdb and pg_ctl, or nil when PostgreSQL is not installed.
    public static var binDirectory: URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap(Int.init).sorted()
        for v in versions.reversed() {
            let bin = root.appendingPathComponent("\(v)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path),
               FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("pg_ctl").path) { return bin }
        }
        return nil
    }

    /// Creates and starts a server. `durable` keeps fsync on (benchmarks); tests turn it off.
    public init(durable: Bool = false) throws {
        guard let bin = Self.binDirectory else { throw Unavailable(description: Self.skipMessage) }
        self.bin = bin
        var template = Array("/tmp/overseer-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Unavailable(description: "cannot create a temporary folder") }
        directory = URL(fileURLWithPath: String(cString: made))
        if getuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") || FileManager.default.isExecutableFile(atPath: "/sbin/runuser"),
                  let pw = getpwnam("nobody") else {
                throw Unavailable(description: "running as root needs `runuser` and the user `nobody` to start PostgreSQL")
            }
            guard chown(directory.path, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0 else {
                throw Unavailable(description: "cannot hand \(directory.path) to nobody")
            }
            asServerUser = ["runuser", "-u", "nobody", "--"]
        } else {
            asServerUser = []
        }
        port = try Self.freePort()
        let data = directory.appendingPathComponent("data").path
        try run(asServerUser + [bin.appendingPathComponent("initdb").path, "-D", data, "-U", "postgres", "-A", "trust",
                                "-E", "UTF8", "--no-sync", "--no-instructions"])
        let settings = "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c max_connections=60"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        try run(asServerUser + [bin.appendingPathComponent("pg_ctl").path, "-D", data, "-o", settings,
                                "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "60", "start"])
    }

    deinit { stop() }

    /// Stops the server at once and deletes its folder.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? run(asServerUser + [bin.appendingPathComponent("pg_ctl").path, "-D", directory.appendingPathComponent("data").path,
                                     "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs SQL through psql as `user` on `database`; returns its unaligned output.
    @discardableResult
    public func psql(_ sql: String, user: String = "postgres", database: String = "postgres") throws -> String {
        let psql = [bin.appendingPathComponent("psql").path, "/usr/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "psql"
        return try run([psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user,
                        "-d", database, "-c", sql])
    }

    /// Runs a program (found on PATH), throwing with its output when it fails. Spawned and
    /// reaped directly (posix_spawn, waitpid) with its output in a file: the server pg_ctl
    /// starts inherits the descriptors and lives on, which keeps a pipe open and (seen on
    /// Linux) Foundation's Process from noticing that pg_ctl itself has exited.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("overseer-pg-out-\(UUID().uuidString)").path
        defer { unlink(outPath) }
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = "cd /tmp && exec \(quoted) </dev/null >'\(outPath)' 2>&1"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = (["/bin/sh", "-c", script] as [String]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else {
            throw Unavailable(description: "cannot start \(arguments.first ?? "")")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw Unavailable(description: "\(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "no socket") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw Unavailable(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
