#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What stands at an input path, decided before anything is opened: Vitals reads only
/// regular files, so a FIFO, a device or a directory given as a file is refused at once
/// (a FIFO would otherwise block the read for ever), and a broken symbolic link is said to
/// be one rather than taken for an absent file.
public enum InputFile {
    /// Why a path cannot be read as a file.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        /// The file is there and readable, but larger than allowed.
        public var isTooLarge = false
        public var description: String { "\(path): \(reason)" }
    }

    public enum Entry: Equatable {
        /// A regular file (after following links) of this many bytes.
        case regular(bytes: Int)
        /// Nothing at all at the path (not even a link).
        case absent
    }

    /// What is at `path`: a regular file, nothing, or a problem (a directory, FIFO, device or
    /// socket, a dangling link or a link loop, or no permission to look).
    public static func inspect(_ path: String) throws(Problem) -> Entry {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            switch code {
            case ENOENT:
                var link = stat()
                if lstat(path, &link) == 0 { throw Problem(path: path, reason: "is a symbolic link to a missing file (a dangling link); cannot read it") }
                return .absent
            case ELOOP: throw Problem(path: path, reason: "is a symbolic link loop; cannot read it")
            case EACCES: throw Problem(path: path, reason: "cannot read: permission denied (on the file or a folder on its path)")
            case ENOTDIR: throw Problem(path: path, reason: "cannot read: a part of the path is a file, not a folder")
            default: throw Problem(path: path, reason: "cannot read: \(String(cString: strerror(code)))")
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard access(path, R_OK) == 0 else { throw Problem(path: path, reason: "cannot read: permission denied") }
            return .regular(bytes: Int(info.st_size))
        case S_IFDIR: throw Problem(path: path, reason: "is a directory, not a file")
        case S_IFIFO: throw Problem(path: path, reason: "is a FIFO (named pipe), not a regular file; vitals reads regular files only, so it never waits on a pipe")
        case S_IFCHR: throw Problem(path: path, reason: "is a character device, not a regular file")
        case S_IFBLK: throw Problem(path: path, reason: "is a block device, not a regular file")
        case S_IFSOCK: throw Problem(path: path, reason: "is a socket, not a regular file")
        default: throw Problem(path: path, reason: "is not a regular file")
        }
    }

    /// The size of the regular file at `path`, which must exist and be at most `maximumBytes`
    /// long (`what` names it in the message: "a model file").
    public static func regular(_ path: String, maximumBytes: Int? = nil, what: String = "this file") throws(Problem) -> Int {
        switch try inspect(path) {
        case .absent: throw Problem(path: path, reason: "no such file")
        case let .regular(bytes):
            if let maximumBytes, bytes > maximumBytes {
                throw Problem(path: path, reason: "has \(bytes) bytes, more than \(what) can be (at most \(maximumBytes)); is it \(what)?",
                              isTooLarge: true)
            }
            return bytes
        }
    }

    /// Whether `path` is a directory vitals can list and read from; nil when it is, else why not.
    public static func directoryProblem(_ path: String) -> Problem? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            return Problem(path: path, reason: code == ENOENT ? "no such directory" : "cannot read: \(String(cString: strerror(code)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return Problem(path: path, reason: "not a directory") }
        guard access(path, R_OK | X_OK) == 0 else { return Problem(path: path, reason: "cannot read the directory: permission denied") }
        return nil
    }
}
