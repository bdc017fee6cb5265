import Foundation

/// Folders for files a test writes. All of them sit under one folder per test process, which is
/// removed when the process exits, so a test run leaves nothing behind in the temporary folder
/// (the suite writes a model file for almost every test: thousands of folders per run otherwise).
public enum ScratchDirectory {
    /// The process's folder: `$TMPDIR/overseer-tests-PID-UUID`, created on first use.
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("overseer-tests-\(getpid())-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        rootPath = url.path
        atexit { removeRoot() }
        return url
    }()

    /// Set once with `root`; read by the exit handler, which cannot capture context.
    nonisolated(unsafe) private static var rootPath: String?

    private static func removeRoot() {
        guard let path = rootPath else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A new empty folder under `root`, named `prefix-UUID`.
    public static func make(_ prefix: String = "scratch") throws -> URL {
        let url = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A path under `root` for a file named `prefix-UUID.ext` (not created).
    public static func file(_ prefix: String, extension ext: String) -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString).\(ext)")
    }
}
