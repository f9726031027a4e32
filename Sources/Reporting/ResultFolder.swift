import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The output folder of one run, written all at once: a reader sees every file of one run or none of them.
///
/// The files are written into a staging folder beside it (`.NAME.tmp-PID`, same parent, so same file system)
/// and the staging folder is then swapped into place in one step (`renameat2(RENAME_EXCHANGE)`, or two renames
/// where the file system cannot exchange); the previous contents are removed after the swap. While the run
/// lasts it holds an exclusive lock (`flock` on `.NAME.lock` in the parent), so a second run into the same
/// folder is refused rather than mixed in. A run killed outright (SIGKILL, power loss) leaves at most a hidden
/// staging folder, which the next run into that folder removes.
///
/// A folder that exists already is replaced only if it is empty or was written by flowsim (it has a
/// `manifest.json`), so `--out` pointed at a folder of other files never deletes them.
public final class ResultFolder {
    /// Why a folder cannot be used; `description` is a sentence for the user.
    public enum Failure: Error, CustomStringConvertible {
        case notAFolder(String)
        case notFlowsim(String)
        case busy(String, pid: String)
        case cannot(String, String)

        public var description: String {
            switch self {
            case .notAFolder(let p): return "the output folder \(p) exists and is not a folder"
            case .notFlowsim(let p):
                return "the output folder \(p) exists and holds files that flowsim did not write (no \(Manifest.fileName)); "
                    + "choose a new or empty folder: flowsim replaces the whole folder when it writes"
            case .busy(let p, let pid):
                return "another flowsim (process \(pid)) is writing to \(p); wait for it to finish or choose another --out"
            case .cannot(let p, let why): return "cannot write the output folder \(p): \(why)"
            }
        }
    }

    /// The folder, as given.
    public let path: String
    /// Its absolute path (after any symbolic link to it).
    let target: String
    let parent: String
    let name: String
    private var lockDescriptor: Int32 = -1
    private var stagingMade = false
    private var closed = false

    /// The staging folder: files written here (e.g. a streamed trace) are part of the next `commit`.
    public var staging: String { "\(parent)/.\(name).tmp-\(getpid())" }
    var lockPath: String { "\(parent)/.\(name).lock" }
    var oldPath: String { "\(parent)/.\(name).old-\(getpid())" }

    /// Checks the folder can be written, before any work is done: its parent is made if missing, the folder
    /// must be a folder that is new, empty or flowsim's, no other run may hold it, and a staging folder is made
    /// (which proves the parent is writable). Leftovers of runs that were killed are removed.
    public init(_ path: String) throws(Failure) {
        self.path = path
        guard !path.isEmpty, !path.utf8.contains(0) else { throw .cannot(path, "not a folder name") }
        var absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        // A symbolic link to a folder: write where it points, and keep the link.
        if let real = Self.symlinkTarget(absolute) { absolute = real }
        guard absolute != "/" else { throw .cannot(path, "the root folder cannot be an output folder") }
        target = absolute
        parent = (absolute as NSString).deletingLastPathComponent
        name = (absolute as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .cannot(path, "its parent folder \(parent) cannot be made (\(Self.reason(error)))")
        }
        var st = stat()
        if lstat(target, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw .notAFolder(path) }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
            guard contents.isEmpty || Self.isFlowsimFolder(target) else { throw .notFlowsim(path) }
        } else if errno != ENOENT {
            throw .cannot(path, String(cString: strerror(errno)))
        }
        try lock()
        removeLeftovers()
        try makeStaging()
    }

    deinit { close() }

    /// Whether `folder` holds a flowsim manifest.
    public static func isFlowsimFolder(_ folder: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "\(folder)/\(Manifest.fileName)") else { return false }
        return Manifest.parse(data) != nil
    }

    /// The manifest of the run now in the folder, if there is one.
    public var manifest: Manifest? {
        FileManager.default.contents(atPath: "\(target)/\(Manifest.fileName)").flatMap(Manifest.parse)
    }

    /// The contents of a file of the run now in the folder (for `--resume`), or nil if there is none.
    public func existingFile(_ file: String) -> Data? {
        FileManager.default.contents(atPath: "\(target)/\(file)")
    }

    /// Writes `files` and the manifest (last) into the staging folder, with whatever was already written there,
    /// and swaps it into place. After a failure the folder is as it was and the staging folder is emptied.
    public func commit(_ files: [(name: String, contents: String)], manifest: Manifest) throws(Failure) {
        do {
            if !stagingMade { try makeStaging() }
            for (file, contents) in files {
                try Self.write(contents, to: "\(staging)/\(file)")
            }
            var m = manifest
            m.files = ((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []).filter { $0 != Manifest.fileName }.sorted()
            try Self.write(m.json(), to: "\(staging)/\(Manifest.fileName)")
            try swapIntoPlace()
        } catch let f as Failure {
            discardStaging()
            throw f
        } catch {
            discardStaging()
            throw .cannot(path, Self.reason(error))
        }
    }

    /// Removes the staging folder and what it held, and gives up the lock. Safe to call more than once.
    public func close() {
        guard !closed else { return }
        closed = true
        discardStaging()
        try? FileManager.default.removeItem(atPath: oldPath)
        if lockDescriptor >= 0 {
            unlink(lockPath)  // while still holding the lock: see `lock()`
            Glibc.close(lockDescriptor)
            lockDescriptor = -1
        }
    }

    // MARK: Steps

    /// Takes the folder's lock, or refuses if another run holds it. The lock file is removed while held (in
    /// `close`), so a run that finds the file replaced after locking it retries on the new one.
    private func lock() throws(Failure) {
        for _ in 0..<10 {
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .cannot(path, "cannot make \(lockPath) (\(String(cString: strerror(errno))))") }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                Glibc.close(fd)
                throw .busy(path, pid: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "?")
            }
            var a = stat(), b = stat()
            if fstat(fd, &a) == 0, stat(lockPath, &b) == 0, a.st_ino == b.st_ino, a.st_dev == b.st_dev {
                let pid = "\(getpid())\n"
                _ = ftruncate(fd, 0)
                _ = pid.withCString { Glibc.write(fd, $0, strlen($0)) }
                lockDescriptor = fd
                return
            }
            Glibc.close(fd)  // the file was removed or replaced between open and flock: try the new one
        }
        throw .cannot(path, "its lock file \(lockPath) keeps changing")
    }

    /// Staging and old folders of runs into this folder that were killed: no live run owns them, since every
    /// run holds the lock while it has them.
    private func removeLeftovers() {
        let prefixes = [".\(name).tmp-", ".\(name).old-"]
        for f in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where prefixes.contains(where: f.hasPrefix) {
            try? FileManager.default.removeItem(atPath: "\(parent)/\(f)")
        }
    }

    private func makeStaging() throws(Failure) {
        try? FileManager.default.removeItem(atPath: staging)
        guard mkdir(staging, 0o755) == 0 else {
            throw .cannot(path, "cannot make a folder in \(parent) (\(String(cString: strerror(errno))))")
        }
        stagingMade = true
    }

    private func discardStaging() {
        if stagingMade { try? FileManager.default.removeItem(atPath: staging) }
        stagingMade = false
    }

    /// The staging folder becomes the folder in one step; what was there is removed afterwards.
    private func swapIntoPlace() throws {
        if rename(staging, target) == 0 {  // no folder yet, or an empty one
            stagingMade = false
            return
        }
        guard errno == ENOTEMPTY || errno == EEXIST else { throw Failure.cannot(path, String(cString: strerror(errno))) }
        if let exchange = Self.renameExchange, exchange(AT_FDCWD, staging, AT_FDCWD, target, 2 /* RENAME_EXCHANGE */) == 0 {
            try? FileManager.default.removeItem(atPath: staging)  // now holds the previous run's files
            stagingMade = false
            return
        }
        // No atomic exchange here: for a moment there is no folder at all (never a mixed one).
        try? FileManager.default.removeItem(atPath: oldPath)
        guard rename(target, oldPath) == 0 else { throw Failure.cannot(path, String(cString: strerror(errno))) }
        guard rename(staging, target) == 0 else {
            let why = String(cString: strerror(errno))
            _ = rename(oldPath, target)
            throw Failure.cannot(path, why)
        }
        stagingMade = false
        try? FileManager.default.removeItem(atPath: oldPath)
    }

    // MARK: Helpers

    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's `renameat2`, which Swift's Glibc module does not declare (glibc 2.28 and later have it).
    static let renameExchange: RenameAt2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()

    /// Writes a file and flushes it to disk (so a swapped-in folder never holds a file still being written);
    /// every error, a full disk included, is thrown.
    static func write(_ contents: String, to file: String) throws {
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.cannot(file, String(cString: strerror(errno))) }
        defer { Glibc.close(fd) }
        // Straight from the string's own storage: a copy of a large replications.csv would raise peak memory.
        var text = contents
        try text.withUTF8 { try writeAll(fd, UnsafeRawBufferPointer($0), path: file) }
        guard fsync(fd) == 0 || errno == EINVAL else { throw Failure.cannot(file, String(cString: strerror(errno))) }
    }

    /// Where a symbolic link at `path` leads, if it is one to a folder.
    static func symlinkTarget(_ path: String) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR,
              let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    static func reason(_ error: Error) -> String {
        if let f = error as? Failure { return f.description }
        if let e = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, e.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(e.code)))
        }
        return error.localizedDescription
    }
}

/// A streamed file in a result folder's staging area (`run --trace`): buffered writes whose errors are thrown,
/// never trapped on (a full disk is an error like any other).
public final class StagedFile {
    private let fd: Int32
    public let path: String
    private var buffer: [UInt8] = []

    public init(_ path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultFolder.Failure.cannot(path, String(cString: strerror(errno))) }
    }

    deinit { Glibc.close(fd) }

    /// Appends text; writes to the file once a megabyte has gathered.
    public func append(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered and flushes it to disk.
    public func finish() throws {
        try flush()
        guard fsync(fd) == 0 || errno == EINVAL else { throw ResultFolder.Failure.cannot(path, String(cString: strerror(errno))) }
    }

    private func flush() throws {
        try ResultFolder.writeAll(fd, buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }
}

extension ResultFolder {
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        guard let base = buffer.baseAddress else { return }  // nothing to write
        var done = 0
        while done < buffer.count {
            let n = Glibc.write(fd, base + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure.cannot(path, String(cString: strerror(errno)))
            }
            done += n
        }
    }
}
