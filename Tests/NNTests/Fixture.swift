import Foundation

/// Paths of the small files in `Fixtures/` (made by `Fixtures/make_fixtures.py` with NumPy).
enum Fixture {
    static func path(_ name: String) -> String {
        if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) {
            return url.appendingPathComponent(name).path
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }
}
