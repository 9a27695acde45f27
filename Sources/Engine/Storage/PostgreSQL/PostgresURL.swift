/// The parts of a `postgresql://user:password@host:port/database` URL that messages may name.
///
/// libpq parses the URL itself; this is only what error messages and `location` show, so the
/// password is kept out of every string built from it.
public struct PostgresURL: Sendable, Equatable {
    public var user: String?
    public var host: String
    public var port: Int
    public var database: String?

    /// `host:port`, as connection errors name the server.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The URL without its password (`postgresql://user@host:port/database`).
    public var redacted: String {
        "postgresql://" + (user.map { $0 + "@" } ?? "") + endpoint + "/" + (database ?? "")
    }

    /// Whether `text` asks for PostgreSQL storage at all (anything else is a clear error, not a path).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(parsing text: String) throws {
        guard let schemeEnd = text.range(of: "://"), PostgresURL.isPostgres(text) else {
            throw EngineError.invalid("storage: expected a URL such as postgresql://user:password@host:5432/database, got '\(PostgresURL.scrub(text))'")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        if let q = rest.firstIndex(of: "?") { rest = rest[..<q] }
        var authority = rest
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            let name = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            user = name.isEmpty ? nil : PostgresURL.percentDecoded(name)
            authority = authority[authority.index(after: at)...]
        }
        var hostPart = authority
        var portText: Substring?
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        host = hostPart.isEmpty ? "localhost" : PostgresURL.percentDecoded(String(hostPart))
        if let portText, !portText.isEmpty {
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw EngineError.invalid("storage: the port in '\(PostgresURL.scrub(text))' must be a number from 1 to 65535, got '\(portText)'")
            }
            port = p
        } else {
            port = 5432
        }
        database = path.isEmpty ? user : PostgresURL.percentDecoded(String(path))
    }

    /// `text` with any password replaced by `***`, for messages about a URL that did not parse.
    public static func scrub(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].lastIndex(of: "@") else { return text }
        let credentials = text[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    private static func percentDecoded(_ s: String) -> String {
        guard s.contains("%") else { return s }
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
