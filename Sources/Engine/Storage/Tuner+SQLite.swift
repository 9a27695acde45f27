extension Tuner {
    /// A tuner whose project is the SQLite file `directory/project_name/tunelua.db` (the embedded
    /// default store; `overwrite` starts the project over).
    public convenience init(oracle: Oracle, directory: String = ".", projectName: String = "untitled_project",
                            overwrite: Bool = false, tunerId: String = "tuner0", verbose: Int = 1,
                            output: ((String) -> Void)? = nil) throws {
        try self.init(oracle: oracle, store: SQLiteStore(directory: directory, projectName: projectName, overwrite: overwrite),
                      tunerId: tunerId, verbose: verbose, output: output)
    }

    /// The `results_summary` text of the SQLite project at `path`, read without taking the project
    /// lock (also while a search writes it).
    public static func summary(ofProjectAt path: String, numTrials: Int = 10) throws -> String {
        let store = try SQLiteStore(readingProjectAt: path)
        defer { store.close() }
        return try summary(of: store, numTrials: numTrials)
    }
}
