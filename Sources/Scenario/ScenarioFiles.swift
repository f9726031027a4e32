import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files a scenario reads (itself, the files it `extends`, rates CSVs): size limits, clear reasons when a file
/// cannot be read, and the folders they may come from.
///
/// Limits apply before anything is allocated for a file's contents: its size is checked with `fstat` and at
/// most the limit (plus one byte) is ever read, so a huge file, `/dev/zero` or a pipe cannot exhaust memory or
/// block the loader.
public enum ScenarioFiles {
    /// Largest scenario file (and each file it extends): 1 MiB, fifty times the Milton Keynes baseline. Parsing
    /// the worst 1 MiB file (a flow list of 500,000 one-digit numbers) peaks at ~150 MB.
    public static let maximumScenarioBytes = 1 << 20
    /// Largest rates CSV: 8 MiB (200,000 rows of `date,per_day` take ~4 MB).
    public static let maximumCSVBytes = 8 << 20

    /// Why a file could not be read.
    enum Failure: Error {
        case missing, permission, symlinkLoop, folder, notRegular, nul
        case tooLarge(bytes: Int, limit: Int)
        case other(String)

        /// Completes "the file 'x' ...".
        var reason: String {
            switch self {
            case .missing: return "does not exist"
            case .permission: return "cannot be read: permission denied"
            case .symlinkLoop: return "cannot be read: too many levels of symbolic links (a symbolic link loop?)"
            case .folder: return "is a folder, not a file"
            case .notRegular: return "is not a regular file (a device, pipe or socket cannot be read as one)"
            case .nul: return "cannot be used: a file name may not contain a NUL character"
            case .tooLarge(let bytes, let limit):
                return "is \(bytes) bytes; at most \(limit) bytes (\(limit >> 20) MiB) are allowed"
            case .other(let s): return "cannot be read: \(s)"
            }
        }

        init(errno e: Int32) {
            switch e {
            case ENOENT, ENOTDIR: self = .missing
            case EACCES, EPERM: self = .permission
            case ELOOP: self = .symlinkLoop
            case EISDIR: self = .folder
            default: self = .other(String(cString: strerror(e)))
            }
        }
    }

    /// The contents of the regular file at `path`, at most `limit` bytes.
    static func read(_ path: String, limit: Int) -> Result<Data, Failure> {
        guard !path.utf8.contains(0) else { return .failure(.nul) }
        // O_NONBLOCK: opening a pipe must not wait for a writer (it is refused below as not a regular file).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(Failure(errno: errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(Failure(errno: errno)) }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { return .failure(.folder) }
        guard type == S_IFREG else { return .failure(.notRegular) }
        guard Int(st.st_size) <= limit else { return .failure(.tooLarge(bytes: Int(st.st_size), limit: limit)) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(errno: errno))
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            // The file grew while being read: still never more than the limit.
            if data.count > limit { return .failure(.tooLarge(bytes: data.count, limit: limit)) }
        }
        return .success(data)
    }

    /// The absolute path with every symbolic link, `.` and `..` resolved, or why it cannot be.
    static func canonical(_ path: String) -> Result<String, Failure> {
        guard !path.utf8.contains(0) else { return .failure(.nul) }
        guard let p = realpath(path, nil) else { return .failure(Failure(errno: errno)) }
        defer { free(p) }
        return .success(String(cString: p))
    }

    /// The canonical form of a folder that may be written relative to the working directory; the path made
    /// absolute if it cannot be resolved (it then contains nothing, so nothing is allowed under it).
    static func canonicalFolder(_ path: String) -> String {
        let p = path.isEmpty ? "." : path
        if case .success(let c) = canonical(p) { return c }
        return URL(fileURLWithPath: p).standardizedFileURL.path
    }

    /// Whether the canonical path `file` lies inside one of the canonical `folders` (or their subfolders).
    static func isInside(_ file: String, _ folders: [String]) -> Bool {
        folders.contains { folder in
            folder == "/" || file.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
        }
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif

/// Which folders a scenario's `extends` and `csv` paths may name files in.
///
/// By default only the folder of the scenario file itself and its subfolders: a scenario handed over by someone
/// else cannot make the loader read (and echo in error messages) `/etc/shadow` or another user's files. Folders
/// given with `allowing` (the command line's `--allow-dir`) are added.
struct FileScope {
    /// Canonical folders.
    let folders: [String]

    init(scenarioFile file: String, allowing extra: [String]) {
        let dir = (file as NSString).deletingLastPathComponent
        folders = ([dir] + extra).map(ScenarioFiles.canonicalFolder)
    }

    /// A file named at `reference` (already resolved relative to the naming file): its contents, or nil after
    /// reporting why not, at `reference`. `what` names the file's role in messages ("the scenario", "the rates file").
    func read(_ path: String, limit: Int, what: String, hint: String = "", reference: SourceLocation, _ keyPath: NodePath,
              decoder d: ScenarioDecoder) -> Data? {
        switch ScenarioFiles.canonical(path) {
        case .failure(let f):
            d.report(reference, keyPath, "\(what) '\(path)' \(f.reason)\(hint)")
            return nil
        case .success(let real):
            guard ScenarioFiles.isInside(real, folders) else {
                let allowed = folders.map { "'\($0)'" }.joined(separator: ", ")
                d.report(reference, keyPath, "\(what) '\(path)' is outside the scenario's folder (\(allowed)): extends and "
                         + "csv may only name files in the scenario's own folder or below; `flowsim --allow-dir DIR` allows another folder")
                return nil
            }
            switch ScenarioFiles.read(real, limit: limit) {
            case .failure(let f):
                d.report(reference, keyPath, "\(what) '\(path)' \(f.reason)\(hint)")
                return nil
            case .success(let data):
                return data
            }
        }
    }
}
