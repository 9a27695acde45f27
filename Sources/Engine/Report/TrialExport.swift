import Foundation

/// `tunelua export`: one row (CSV) or object (JSON) per trial with the columns of
/// docs/command-line.md — `trial_id, status, score, best_step, started, ended, duration_s, worker`,
/// one `params_<name>` per hyperparameter and one `metrics_<name>` per metric (its best value).
///
/// Numbers are written in their shortest form that reads back to the same double; times are
/// ISO 8601 UTC with milliseconds.
public struct TrialExport {
    public enum Format: String, CaseIterable, Sendable { case csv, json }

    /// One cell: absent values are `.null` (an empty CSV field, JSON `null`).
    enum Cell {
        case null, text(String), int(Int64), number(Double), bool(Bool)
    }

    public let columns: [String]
    let rows: [[Cell]]

    public init(_ data: ReportData) {
        columns = ["trial_id", "status", "score", "best_step", "started", "ended", "duration_s", "worker"]
            + data.parameterNames.map { "params_" + $0 } + data.metricNames.map { "metrics_" + $0 }
        rows = data.trials.map { trial in
            var row: [Cell] = [
                .text(trial.trialId), .text(trial.status.rawValue), trial.score.map(Cell.number) ?? .null,
                .int(Int64(trial.bestStep)),
                trial.started.map { .text(TrialExport.isoTime($0)) } ?? .null,
                trial.ended.map { .text(TrialExport.isoTime($0)) } ?? .null,
                trial.started.flatMap { s in trial.ended.map { .number($0 - s) } } ?? .null,
                trial.worker.map(Cell.text) ?? .null,
            ]
            for name in data.parameterNames {
                switch trial.hyperparameters.values[name] {
                case nil: row.append(.null)
                case let .int(i)?: row.append(.int(i))
                case let .float(d)?: row.append(.number(d))
                case let .string(s)?: row.append(.text(s))
                case let .bool(b)?: row.append(.bool(b))
                }
            }
            for name in data.metricNames {
                let best = trial.metrics.histories[name]?.bestValue
                row.append(best.map(Cell.number) ?? .null)
            }
            return row
        }
    }

    public func render(_ format: Format) -> String {
        format == .csv ? csv : json
    }

    /// RFC 4180: CRLF line ends, a field quoted when it holds a comma, a quote or a line break.
    public var csv: String {
        var out = ""
        func field(_ text: String) {
            if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                out += "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            } else {
                out += text
            }
        }
        for (i, c) in columns.enumerated() {
            if i > 0 { out += "," }
            field(c)
        }
        out += "\r\n"
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i > 0 { out += "," }
                switch cell {
                case .null: break
                case let .text(s): field(s)
                case let .int(n): out += String(n)
                case let .number(d): if d.isFinite { out += TrialExport.shortest(d) } else if !d.isNaN { out += d < 0 ? "-inf" : "inf" }
                case let .bool(b): out += b ? "true" : "false"
                }
            }
            out += "\r\n"
        }
        return out
    }

    /// Strict JSON (RFC 8259): one array, every object with every column, NaN and infinities `null`.
    public var json: String {
        var out = "["
        for (r, row) in rows.enumerated() {
            out += r == 0 ? "\n{" : ",\n{"
            for (i, cell) in row.enumerated() {
                if i > 0 { out += "," }
                JSON.quote(columns[i], into: &out)
                out += ":"
                switch cell {
                case .null: out += "null"
                case let .text(s): JSON.quote(s, into: &out)
                case let .int(n): out += String(n)
                case let .number(d): out += d.isFinite ? TrialExport.shortest(d) : "null"
                case let .bool(b): out += b ? "true" : "false"
                }
            }
            out += "}"
        }
        out += rows.isEmpty ? "]\n" : "\n]\n"
        return out
    }

    /// The shortest digits that read back to `d` (Swift's `description`), without a needless
    /// `.0`: `0.001`, `1e-05`, `3`.
    static func shortest(_ d: Double) -> String {
        var s = d.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// `2026-12-02T21:30:05.123Z` (milliseconds rounded down, so a time never moves to the next second).
    public static func isoTime(_ seconds: Double) -> String {
        var whole = time_t(seconds.rounded(.down))
        var ms = Int(((seconds - Double(whole)) * 1000).rounded(.down))
        if ms > 999 { ms = 999 }
        if ms < 0 { ms = 0 }
        var t = tm()
        gmtime_r(&whole, &t)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
    }
}
