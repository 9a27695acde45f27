extension Tuner {
    /// A tuner whose project is the SQLite file `directory/project_name/tunelua.db` (the embedded
    /// default store; `overwrite` starts the project over).
    public convenience init(oracle: Oracle, directory: String = ".", projectName: String = "untitled_project",
                            overwrite: Bool = false, tunerId: String = "tuner0", verbose: Int = 1,
                            output: ((String) -> Void)? = nil) throws {
        try self.init(oracle: oracle, store: SQLiteStore(directory: directory, projectName: projectName, overwrite: overwrite),
                      tunerId: tunerId, verbose: verbose, output: output)
    }
}
