// Paths named by a receipt log nobody vouches for.

import Foundation

/// Checks on paths a receipt log names: verify reads only regular files, and checks before it
/// opens (a FIFO would block the open, /dev/zero would never end).
enum UntrustedPath {
    /// The file type (`S_IFREG`, `S_IFDIR`, …) of `path`, links followed; nil when missing.
    static func kind(_ path: String) -> mode_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    /// A regular model file, or a folder whose files (not sub-folders) are all regular.
    static func requireModel(_ path: String) throws {
        switch kind(path) {
        case S_IFREG?: return
        case S_IFDIR?:
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            for n in names where !n.hasPrefix(".") {
                let k = kind(path + "/" + n)
                guard k == S_IFREG || k == S_IFDIR else { throw SupervisorError.replay("model folder \(path): \(n) is not a regular file") }
            }
        case nil: throw SupervisorError.replay("model \(path) not found (pass --model)")
        default: throw SupervisorError.replay("model \(path) is not a regular file or folder")
        }
    }

    static func requireDirectory(_ path: String, what: String) throws {
        switch kind(path) {
        case S_IFDIR?: return
        case nil: throw SupervisorError.replay("\(what) \(path) not found (pass --\(what))")
        default: throw SupervisorError.replay("\(what) \(path) is not a folder")
        }
    }
}
