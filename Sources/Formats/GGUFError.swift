import Kernels

/// Everything that can be wrong with a GGUF file or with a metadata lookup.
///
/// Offsets are byte offsets from the start of the file.
public enum GGUFError: Error, Equatable, CustomStringConvertible {
    // File access
    case cannotOpen(path: String, reason: String)
    // Header
    case badMagic(UInt32)
    case unsupportedVersion(UInt32)
    case tooManyTensors(UInt64)
    case tooManyKeys(UInt64)
    // Structure
    case truncated(offset: Int, needed: Int, reading: String)
    case stringTooLong(length: UInt64, offset: Int)
    case invalidUTF8(offset: Int)
    // Metadata
    case duplicateKey(String)
    case unknownValueType(UInt32, key: String)
    case arrayTooLong(count: UInt64, key: String)
    case arrayNestingTooDeep(key: String)
    case invalidBool(UInt8, key: String)
    case invalidAlignment(String)
    // Tensor infos
    case duplicateTensor(String)
    case badDimensionCount(tensor: String, count: UInt32)
    case badDimension(tensor: String, index: Int, value: UInt64)
    case shapeOverflow(tensor: String, shape: [UInt64])
    case unknownTensorType(tensor: String, id: UInt32)
    case rowNotBlockAligned(tensor: String, rowLength: Int, type: TensorType)
    case misalignedOffset(tensor: String, offset: UInt64, alignment: Int)
    case tensorOutOfBounds(tensor: String, offset: UInt64, byteCount: Int, dataSize: Int)
    case overlappingTensors(String, String)
    // Lookups
    case missingKey(String)
    case typeMismatch(key: String, expected: String, found: String)
    case valueOutOfRange(key: String, value: String, target: String)
    case tensorNotFound(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open GGUF file \(path): \(reason)"
        case .badMagic(let m):
            return "not a GGUF file: magic is 0x\(String(m, radix: 16)), expected \"GGUF\""
        case .unsupportedVersion(let v):
            return "unsupported GGUF version \(v) (supported: 2, 3; big-endian files are not supported)"
        case .tooManyTensors(let n):
            return "tensor count \(n) is larger than the limit or than the file could hold"
        case .tooManyKeys(let n):
            return "metadata key count \(n) is larger than the limit or than the file could hold"
        case .truncated(let offset, let needed, let what):
            return "file truncated at byte \(offset): needed \(needed) more bytes for \(what)"
        case .stringTooLong(let length, let offset):
            return "string at byte \(offset) claims length \(length), over the limit"
        case .invalidUTF8(let offset):
            return "string at byte \(offset) is not valid UTF-8"
        case .duplicateKey(let key):
            return "metadata key \"\(key)\" appears twice"
        case .unknownValueType(let t, let key):
            return "metadata \"\(key)\" has unknown value type \(t)"
        case .arrayTooLong(let n, let key):
            return "array in \"\(key)\" claims \(n) elements, more than the file could hold"
        case .arrayNestingTooDeep(let key):
            return "arrays in \"\(key)\" are nested too deeply"
        case .invalidBool(let b, let key):
            return "bool in \"\(key)\" has byte value \(b), expected 0 or 1"
        case .invalidAlignment(let v):
            return "general.alignment \(v) is not a power of two in 1...65536"
        case .duplicateTensor(let name):
            return "tensor \"\(name)\" appears twice"
        case .badDimensionCount(let name, let n):
            return "tensor \"\(name)\" has \(n) dimensions, expected 1...4"
        case .badDimension(let name, let i, let v):
            return "tensor \"\(name)\" dimension \(i) is \(v), expected 1...Int.max"
        case .shapeOverflow(let name, let shape):
            return "tensor \"\(name)\" shape \(shape) overflows"
        case .unknownTensorType(let name, let id):
            return "tensor \"\(name)\" has unknown or unsupported ggml type id \(id)"
        case .rowNotBlockAligned(let name, let n, let type):
            return "tensor \"\(name)\" row length \(n) is not a multiple of the \(type) block size \(type.blockSize)"
        case .misalignedOffset(let name, let offset, let alignment):
            return "tensor \"\(name)\" offset \(offset) is not a multiple of the alignment \(alignment)"
        case .tensorOutOfBounds(let name, let offset, let size, let dataSize):
            return "tensor \"\(name)\" bytes \(offset)..<\(offset)+\(size) lie outside the \(dataSize)-byte data section"
        case .overlappingTensors(let a, let b):
            return "tensors \"\(a)\" and \"\(b)\" overlap"
        case .missingKey(let key):
            return "metadata key \"\(key)\" is missing"
        case .typeMismatch(let key, let expected, let found):
            return "metadata \"\(key)\" is \(found), expected \(expected)"
        case .valueOutOfRange(let key, let value, let target):
            return "metadata \"\(key)\" value \(value) does not fit \(target)"
        case .tensorNotFound(let name):
            return "tensor \"\(name)\" not found"
        }
    }
}
