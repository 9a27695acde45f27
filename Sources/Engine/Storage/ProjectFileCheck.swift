#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks made on a project's files before SQLite opens them, reading bytes only: a file that
/// fails them is refused with every byte left as it was (SQLite, once it opens a database, may
/// replay or checkpoint a WAL into it).
///
/// - the database: SQLite's magic, tunelua's `application_id`, and a size that holds every page
///   the header counts (a truncated copy), following the file-format document's rules for when
///   the in-header size is valid;
/// - the WAL beside it: a WAL whose salt does not continue the one this project recorded (in the
///   lock file, after its first commit of each session) belongs to another database. SQLite
///   bumps salt-1 by one at each WAL restart and picks it at random for a new WAL, so ours lies a
///   few steps after the record and a foreign one almost never does.
enum ProjectFileCheck {
    /// How far past the recorded salt-1 a WAL of this project may be: one step per WAL restart.
    static let saltWindow: UInt32 = 1 << 24

    struct Findings {
        /// The database's page size and the page count its header claims (nil when not valid).
        var pageSize = 0
        var headerPages: Int?
        var fileSize = 0
        /// The WAL's salt-1 when a WAL with a valid header is present.
        var walSalt: UInt32?
        /// Something a byte check cannot settle alone (a short file with a WAL present): run
        /// `PRAGMA quick_check` after opening, before writing.
        var needsQuickCheck = false
    }

    /// - Parameter recordedSalt: the WAL salt-1 this project recorded, if any.
    /// - Throws: `EngineError(.corruptData)` naming the file and what is wrong.
    /// - Parameter contents: false to check only that the file is a tunelua database (before an
    ///   overwrite replaces it).
    static func beforeOpening(_ path: String, recordedSalt: UInt32?, contents: Bool = true) throws -> Findings {
        var findings = Findings()
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return findings }  // absent: it will be created
        defer { close(fd) }
        var st = stat()
        _ = fstat(fd, &st)
        findings.fileSize = Int(st.st_size)
        var header = [UInt8](repeating: 0, count: 100)
        let n = read(fd, &header, 100)
        if n == 0 { return findings }  // empty file: SQLite initialises it
        let untouched = "it was left untouched"
        let magic = Array("SQLite format 3\0".utf8)
        guard n == 100, Array(header[0..<16]) == magic else {
            throw EngineError(.corruptData, "Tuner: '\(path)' is not a tunelua project database (not an SQLite file; corrupt, truncated or foreign); \(untouched); move it away or choose another project_name")
        }
        guard be32(header, 68) == UInt32(bitPattern: SQLiteStore.applicationId) else {
            throw EngineError(.corruptData, "Tuner: '\(path)' is an SQLite database that tunelua did not create; \(untouched); move it away or choose another project_name")
        }
        guard contents else { return findings }
        let rawPageSize = Int(header[16]) << 8 | Int(header[17])
        findings.pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        let pages = Int(be32(header, 28))
        if pages > 0, be32(header, 24) == be32(header, 92) { findings.headerPages = pages }

        let wal = try walHeader(path + "-wal", databasePageSize: findings.pageSize, recordedSalt: recordedSalt)
        findings.walSalt = wal
        if let pages = findings.headerPages, findings.pageSize > 0 {
            let expected = pages * findings.pageSize
            if findings.fileSize < expected || findings.fileSize % findings.pageSize != 0 {
                // A checkpoint killed half-way leaves a short main file that its WAL completes.
                guard wal != nil else {
                    throw EngineError(.corruptData, "Tuner: '\(path)' is truncated: its header counts \(pages) pages of \(findings.pageSize) bytes (\(expected) bytes), the file has \(findings.fileSize); \(untouched); restore it from a copy (tunelua check \(directory(of: path)) tells more)")
                }
                findings.needsQuickCheck = true
            }
        }
        return findings
    }

    /// The salt-1 of the WAL at `path`, nil when there is none (or only an empty one, which
    /// SQLite ignores); refuses a WAL that cannot be this database's.
    static func walHeader(_ path: String, databasePageSize: Int, recordedSalt: UInt32?) throws -> UInt32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 32)
        guard read(fd, &header, 32) == 32 else { return nil }
        let magic = be32(header, 0)
        guard magic == 0x377F_0682 || magic == 0x377F_0683 else { return nil }  // SQLite ignores it too
        let database = String(path.dropLast(4))
        let refuse = "; the database and the WAL were left untouched; move the WAL away only if you know it does not belong to this project"
        let walPageSize = Int(be32(header, 8))
        if databasePageSize > 0, walPageSize != databasePageSize {
            throw EngineError(.corruptData, "Tuner: '\(path)' does not belong to '\(database)' (its pages are \(walPageSize) bytes, the database's \(databasePageSize))\(refuse)")
        }
        let salt = be32(header, 16)
        if let recordedSalt, salt &- recordedSalt >= saltWindow {
            throw EngineError(.corruptData, "Tuner: '\(path)' does not belong to '\(database)' (its salt \(hex(salt)) does not follow the salt \(hex(recordedSalt)) this project recorded)\(refuse)")
        }
        return salt
    }

    static func be32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
