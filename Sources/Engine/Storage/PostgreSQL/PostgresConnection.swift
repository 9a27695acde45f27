import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection: parameterized statements in text format (binary for `bytea`), errors as
/// `EngineError`s that name the server (`host:port`) and never the password.
///
/// Not thread-safe: each user (the store's connection behind its lock, the heartbeat thread)
/// owns its own.
final class PostgresConnection: @unchecked Sendable {
    let url: PostgresURL
    private var conn: OpaquePointer?
    /// Names of statements prepared on this connection, by their SQL text.
    private var prepared: [String: String] = [:]

    init(url text: String, url parsed: PostgresURL) throws {
        url = parsed
        // The URL comes last, so what it says overrides these defaults.
        let keys = ["connect_timeout", "application_name", "dbname"]
        let values = ["10", "tunelua", text]
        var k = keys.map { strdup($0) } + [nil]
        var v = values.map { strdup($0) } + [nil]
        defer { (k + v).forEach { free($0) } }
        let handle = k.withUnsafeMutableBufferPointer { kp in
            v.withUnsafeMutableBufferPointer { vp in
                kp.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: kp.count) { kk in
                    vp.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: vp.count) { vv in
                        PQconnectdbParams(kk, vv, 1)
                    }
                }
            }
        }
        conn = handle
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let detail = handle.map { PostgresConnection.firstLine(String(cString: PQerrorMessage($0))) } ?? "out of memory"
            if let handle { PQfinish(handle) }
            conn = nil
            throw EngineError(.storage, "storage: cannot connect to PostgreSQL at \(parsed.endpoint) (database '\(parsed.database ?? "?")', user '\(parsed.user ?? "?")'): \(detail)")
        }
        _ = try execute("SET client_min_messages = warning")
    }

    deinit { close() }

    func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// A statement's result rows in text form (nil for SQL NULL).
    struct Rows {
        var rows: [[String?]]
        var affected: Int
        subscript(_ r: Int, _ c: Int) -> String? { rows[r][c] }
        var count: Int { rows.count }
    }

    /// Runs one statement with `$1…` parameters (prepared once per connection and reused).
    @discardableResult
    func execute(_ sql: String, _ params: [String?] = [], what: String = "") throws -> Rows {
        let result = try run(sql, params.map { $0.map { Array($0.utf8) } }, binary: [], binaryResult: false, what: what)
        defer { PQclear(result) }
        return rowsOf(result)
    }

    /// Runs one statement whose parameters at `binary` indexes are raw bytes (`bytea`), and returns
    /// the first column of the first row as bytes.
    func executeBytes(_ sql: String, _ params: [[UInt8]?], binary: Set<Int>, binaryResult: Bool, what: String) throws -> [UInt8]? {
        let result = try run(sql, params, binary: binary, binaryResult: binaryResult, what: what)
        defer { PQclear(result) }
        guard PQntuples(result) > 0, PQgetisnull(result, 0, 0) == 0 else { return nil }
        let n = Int(PQgetlength(result, 0, 0))
        guard n > 0, let p = PQgetvalue(result, 0, 0) else { return [] }
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }

    /// Several statements without parameters in one round trip (`BEGIN; SELECT …`); the rows of
    /// the last one.
    @discardableResult
    func script(_ sql: String, what: String) throws -> Rows {
        guard let conn else { throw closedError() }
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(result, what) }
        return rowsOf(result)
    }

    /// Several statements in one round trip, the rows of each (in order); the first failure throws.
    func scriptResults(_ sql: String, what: String) throws -> [Rows] {
        guard let conn else { throw closedError() }
        guard PQsendQuery(conn, sql) == 1 else { throw failure(nil, what) }
        var out: [Rows] = []
        var failed: EngineError?
        while let result = PQgetResult(conn) {
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK {
                out.append(rowsOf(result))
            } else if failed == nil {
                failed = failure(result, what)
            }
            PQclear(result)
        }
        if let failed { throw failed }
        return out
    }

    /// `sql` with its `$1…` parameters written in as quoted literals (NULL for nil), so that it
    /// can travel in one `script` with other statements.
    func inline(_ sql: String, _ params: [String?]) throws -> String {
        var out = ""
        var chars = Substring(sql)
        while let dollar = chars.firstIndex(of: "$") {
            out += chars[..<dollar]
            let digits = chars[chars.index(after: dollar)...].prefix { $0.isASCII && $0.isNumber }
            guard let n = Int(digits), n >= 1, n <= params.count else {
                out += "$"
                chars = chars[chars.index(after: dollar)...]
                continue
            }
            out += try params[n - 1].map(literal) ?? "NULL"
            chars = chars[digits.endIndex...]
        }
        return out + chars
    }

    /// `text` as an SQL string literal, quoted by libpq for this connection (for `script`).
    func literal(_ text: String) throws -> String {
        guard let conn, let p = PQescapeLiteral(conn, text, text.utf8.count) else { throw closedError() }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    var isBroken: Bool { conn.map { PQstatus($0) != CONNECTION_OK } ?? true }

    /// Re-opens a connection that the server or the network dropped; prepared statements go with it.
    func reset() {
        guard let conn else { return }
        PQreset(conn)
        prepared = [:]
    }

    // MARK: - Plumbing

    private func run(_ sql: String, _ params: [[UInt8]?], binary: Set<Int>, binaryResult: Bool, what: String) throws -> OpaquePointer? {
        guard let conn else { throw closedError() }
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "s\(prepared.count)"
            let r = PQprepare(conn, name, sql, Int32(params.count), nil)
            defer { PQclear(r) }
            guard PQresultStatus(r) == PGRES_COMMAND_OK else { throw failure(r, what) }
            prepared[sql] = name
        }
        var lengths = params.map { Int32($0?.count ?? 0) }
        var formats = (0..<params.count).map { binary.contains($0) ? Int32(1) : Int32(0) }
        // Text parameters must be NUL-terminated; binary ones are passed with their length.
        let buffers: [UnsafeMutablePointer<CChar>?] = params.map { bytes in
            guard let bytes else { return nil }
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { memcpy(p, base, b.count) }
            }
            p[bytes.count] = 0
            return p
        }
        defer { buffers.forEach { $0?.deallocate() } }
        var values = buffers.map { UnsafePointer<CChar>($0) }
        let result = values.withUnsafeMutableBufferPointer { vp in
            lengths.withUnsafeMutableBufferPointer { lp in
                formats.withUnsafeMutableBufferPointer { fp in
                    PQexecPrepared(conn, name, Int32(params.count), vp.baseAddress, lp.baseAddress, fp.baseAddress, binaryResult ? 1 : 0)
                }
            }
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            defer { PQclear(result) }
            throw failure(result, what)
        }
        return result
    }

    private func rowsOf(_ result: OpaquePointer?) -> Rows {
        let n = Int(PQntuples(result))
        let m = Int(PQnfields(result))
        var rows: [[String?]] = []
        rows.reserveCapacity(n)
        for r in 0..<n {
            var row: [String?] = []
            row.reserveCapacity(m)
            for c in 0..<m {
                if PQgetisnull(result, Int32(r), Int32(c)) != 0 { row.append(nil) } else { row.append(String(cString: PQgetvalue(result, Int32(r), Int32(c)))) }
            }
            rows.append(row)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return Rows(rows: rows, affected: affected)
    }

    /// SQLSTATE of the last failure (e.g. `42501` insufficient privilege).
    private(set) var lastState: String?

    private func failure(_ result: OpaquePointer?, _ what: String) -> EngineError {
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        lastState = state
        var message = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
        if message == nil, let conn { message = PostgresConnection.firstLine(String(cString: PQerrorMessage(conn))) }
        let doing = what.isEmpty ? "" : " while \(what)"
        if state == "42501" {
            return EngineError(.storage, "storage: the PostgreSQL user '\(url.user ?? "?")' lacks a privilege on database '\(url.database ?? "?")' at \(url.endpoint)\(doing): \(message ?? "permission denied")")
        }
        if isBroken {
            return EngineError(.storage, "storage: lost the connection to PostgreSQL at \(url.endpoint)\(doing): \(message ?? "connection closed")")
        }
        return EngineError(.storage, "storage: PostgreSQL error \(state ?? "?") at \(url.endpoint)\(doing): \(message ?? "unknown error")")
    }

    private func closedError() -> EngineError {
        EngineError(.storage, "storage: the connection to PostgreSQL at \(url.endpoint) is closed")
    }

    static func firstLine(_ s: String) -> String {
        let trimmed = s.split(separator: "\n", omittingEmptySubsequences: true)
        return trimmed.first.map { String($0).trimmingCharacters() } ?? s
    }
}

private extension String {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
