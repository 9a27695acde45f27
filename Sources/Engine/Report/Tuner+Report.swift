import Foundation

extension Tuner {
    /// `tuner:report(path)`: writes the HTML report of this tuner's project (default
    /// `project_dir/report.html`) and returns the path. Read through a separate reading store,
    /// as `tunelua report` reads, so it shows what is committed, workers' trials included.
    @discardableResult
    public func report(to path: String? = nil) throws -> String {
        let reader = try store.reader()
        defer { reader.close() }
        let target = path ?? store.defaultReportPath
        try HTMLReport.write(from: reader, to: target)
        return target
    }
}
