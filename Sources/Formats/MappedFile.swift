// Read-only bytes of a model file: a private memory mapping, or an owned copy for in-memory input.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The bytes of a file, mapped read-only (`PROT_READ`, `MAP_PRIVATE`) and unmapped on deinit.
///
/// Readers keep one of these alive for as long as any `TensorView` into it may be used. Inputs
/// built in memory (tests, downloads not yet on disk) are copied into an owned buffer instead, so
/// the parsers see the same kind of bounded byte range either way.
final class MappedFile: @unchecked Sendable {
    // @unchecked Sendable: owns a read-only mapping (or buffer) that is never written after init.
    /// Why a file could not be mapped; readers wrap it into their own error type.
    struct Failure: Error {
        var path: String
        var reason: String
    }

    let path: String
    /// Start of the bytes; nil only when `count == 0`.
    let base: UnsafeRawPointer?
    let count: Int
    private let isMapped: Bool

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Maps the whole file at `url` read-only.
    init(url: URL) throws {
        path = url.path
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw Failure(path: url.path, reason: Self.errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(path: url.path, reason: Self.errnoText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw Failure(path: url.path, reason: "not a regular file") }
        let size = Int(info.st_size)
        count = size
        isMapped = size > 0
        if size == 0 {
            // mmap rejects empty lengths; an empty file is simply zero bytes.
            base = nil
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else { throw Failure(path: url.path, reason: "mmap: " + Self.errnoText()) }
        base = UnsafeRawPointer(address)
    }

    /// Maps `url`, turning a failure into the caller's own error type.
    static func map(_ url: URL, orThrow wrap: (Failure) -> Error) throws -> MappedFile {
        do {
            return try MappedFile(url: url)
        } catch let failure as Failure {
            throw wrap(failure)
        }
    }

    /// Copies `bytes` into an owned buffer (for inputs that live in memory).
    init<Bytes: Collection>(copying bytes: Bytes, path: String = "<memory>") where Bytes.Element == UInt8 {
        self.path = path
        count = bytes.count
        isMapped = false
        if count == 0 {
            base = nil
            return
        }
        // 16-byte alignment, like a page-aligned mapping would give for small alignments.
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 16)
        let n = count
        let copied: Void? = bytes.withContiguousStorageIfAvailable { source in
            buffer.copyMemory(from: source.baseAddress!, byteCount: n)
        }
        if copied == nil {   // not contiguous: element by element
            _ = UnsafeMutableRawBufferPointer(start: buffer, count: count).initializeMemory(as: UInt8.self, from: bytes)
        }
        base = UnsafeRawPointer(buffer)
    }

    deinit {
        guard let base else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
