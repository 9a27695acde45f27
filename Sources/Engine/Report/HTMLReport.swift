import Foundation

/// `tunelua report`: one self-contained HTML page — a summary, the plots of docs/command-line.md
/// as inline SVG (each `<svg>` titled), and a results table with every trial.
///
/// No external scripts, styles or fonts, and no script needed to read it: the only script sorts the
/// table when a column heading is clicked.
public struct HTMLReport {
    public let data: ReportData
    /// Unix seconds the report is made at (the end of running trials' timeline bars).
    public let now: Double

    public init(_ data: ReportData, now: Double = Date().timeIntervalSince1970) {
        self.data = data
        self.now = now
    }

    /// The plots' titles in page order (for callers that check them).
    public var plotTitles: [String] { plots.map(\.title) }

    /// The page.
    public func render() -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>tunelua report: \(HTMLReport.escape(data.location))</title>
            <style>\(HTMLReport.style)</style>
            </head><body>
            <h1>tunelua report</h1>

            """
        out += summary
        out += "<section class=\"plots\">\n"
        for plot in plots { out += "<figure>" + plot.render() + "</figure>\n" }
        out += "</section>\n"
        out += table
        out += "<script>\(HTMLReport.sortScript)</script>\n</body></html>\n"
        return out
    }

    // MARK: - Writing

    /// Reads one snapshot of `store` and writes its report to `path`, through a temporary file
    /// renamed into place, so a browser reloading it (`report --watch`) never sees half a page.
    @discardableResult
    public static func write(from store: ProjectStore, to path: String) throws -> ReportData {
        let data = try ReportData(store: store)
        try HTMLReport.writeAtomically(HTMLReport(data).render(), to: path)
        return data
    }

    /// Writes `text` to `path` whole: a regular file (or a new one) through a temporary file
    /// renamed into place; anything else (`/dev/stdout`, `/dev/null`, a pipe) is written in place,
    /// never replaced by a rename.
    public static func writeAtomically(_ text: String, to path: String) throws {
        do {
            var st = stat()
            if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                try handle.write(contentsOf: Data(text.utf8))
            } else {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            }
        } catch {
            throw EngineError(.storage, "cannot write '\(path)': \((error as NSError).localizedDescription)")
        }
    }

    // MARK: - Summary

    private var summary: String {
        var counts: [String: Int] = [:]
        for t in data.trials { counts[t.status.rawValue, default: 0] += 1 }
        let statuses = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.lowercased())" }.joined(separator: ", ")
        var out = "<p>Project <code>\(HTMLReport.escape(data.location))</code>, made \(TrialExport.isoTime(now)).<br>"
        out += "Objective: <code>\(HTMLReport.escape(data.objective.description))</code>. "
        out += "\(data.trials.count) trial\(data.trials.count == 1 ? "" : "s")\(statuses.isEmpty ? "" : ": " + statuses).</p>\n"
        if data.objective.isPareto {
            // No one best trial: the non-dominated ones (docs/reference.md, "Pareto mode").
            let completed = data.trials.filter { $0.status == .completed }
            let points = completed.map { data.objective.paretoValues(of: $0.metrics).map { data.objective.minimized($0.values) } }
            let front = ParetoFront.front(points).map { HTMLReport.escape(completed[$0].trialId) }
            if !front.isEmpty {
                let shown = front.prefix(20).joined(separator: ", ") + (front.count > 20 ? ", …" : "")
                out += "<p>Pareto front: \(front.count) trial\(front.count == 1 ? "" : "s"), <b>\(shown)</b>.</p>\n"
            }
        } else if let best = data.best {
            out += "<p>Best trial <b>\(HTMLReport.escape(best.trialId))</b>, score <b>\(TrialExport.shortest(best.score!))</b>"
            let values = best.hyperparameters.values.map { "\(HTMLReport.escape($0.name)) = \(HTMLReport.escape($0.value.description))" }
            if !values.isEmpty { out += ": " + values.joined(separator: ", ") }
            out += ".</p>\n"
        }
        return out
    }

    // MARK: - Table

    /// Every trial with the export's columns but `ended` (`started` + `duration_s` say it), numbers
    /// to 6 significant digits: a table to read and sort; `tunelua export` has the exact values.
    private var table: String {
        let export = TrialExport(data)
        let shown = export.columns.indices.filter { export.columns[$0] != "ended" }
        var out = "<h2>Trials</h2>\n<p class=\"note\">Click a column heading to sort (needs scripts). Numbers to 6 digits; <code>tunelua export</code> writes them exactly.</p>\n"
        // Numeric columns right-aligned by one rule, not a class on every cell (a tenth of the file).
        let numeric = shown.enumerated().filter { _, c in
            export.rows.contains { row in if case .number = row[c] { return true }; if case .int = row[c] { return true }; return false }
        }.map { "#trials td:nth-child(\($0.offset + 1))" }
        if !numeric.isEmpty { out += "<style>" + numeric.joined(separator: ",") + "{text-align:right}</style>\n" }
        out += "<table id=\"trials\"><thead><tr>"
        for c in shown { out += "<th>" + HTMLReport.escape(export.columns[c]) }
        out += "</tr></thead><tbody>\n"
        // Closing tags of cells and rows are optional in HTML: left out.
        for row in export.rows {
            out += "<tr>"
            for c in shown {
                switch row[c] {
                case .null: out += "<td>"
                case let .text(s): out += "<td>" + HTMLReport.escape(s)
                case let .int(n): out += "<td>" + String(n)
                case let .number(d): out += "<td>" + (d.isFinite ? HTMLReport.sixDigits(d) : d.isNaN ? "nan" : d < 0 ? "-inf" : "inf")
                case let .bool(b): out += "<td>" + (b ? "true" : "false")
                }
            }
            out += "\n"
        }
        out += "</tbody></table>\n"
        return out
    }

    /// `%.6g` through C's formatter (Foundation's `String(format:)` costs a tenth of a second per
    /// 10,000 trials' table).
    static func sixDigits(_ d: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
            _ = withVaList([d]) { vsnprintf(buffer.baseAddress!, 32, "%.6g", $0) }
            return String(cString: buffer.baseAddress!)
        }
    }

    // MARK: - Page furniture

    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" }) else { return s }
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
        h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}
        .plots{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;background:#fff;border:1px solid #ddd}
        svg text{font-family:system-ui,sans-serif;fill:#333}
        .note{color:#666;font-size:.9em}
        table{border-collapse:collapse;font-size:.85em;background:#fff}
        th,td{border:1px solid #ddd;padding:2px 6px;white-space:nowrap}
        th{background:#eee;cursor:pointer;position:sticky;top:0}td{font-variant-numeric:tabular-nums}
        """

    /// Sorts the table by a clicked column (numbers numerically, empty cells last); a second click
    /// reverses the order.
    static let sortScript = """
        (function(){var t=document.getElementById('trials');if(!t)return;var b=t.tBodies[0];
        Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){var up=true;th.addEventListener('click',function(){
        var rows=Array.prototype.slice.call(b.rows);rows.sort(function(r,s){var x=r.cells[i].textContent,y=s.cells[i].textContent;
        if(x===''||y==='')return x===y?0:(x===''?1:-1);var a=parseFloat(x),c=parseFloat(y);
        var d=(!isNaN(a)&&!isNaN(c)&&String(a)!=='NaN'&&/^[-+0-9.e]+$/i.test(x)&&/^[-+0-9.e]+$/i.test(y))?a-c:(x<y?-1:x>y?1:0);return up?d:-d;});
        up=!up;var f=document.createDocumentFragment();rows.forEach(function(r){f.appendChild(r);});b.appendChild(f);});});})();
        """
}
