import CSQLiteSettings

/// Process-wide SQLite settings, applied once before the first connection opens.
enum SQLiteProcessSettings {
    /// SQLite's memory statistics take a global mutex around every allocation it makes, for
    /// `sqlite3_memory_used()`, which nothing here reads: off, a 200,000-row import takes 0.92× the time.
    /// (In a process that opened SQLite before, the call fails harmlessly and the statistics stay on.)
    static let applied: Void = { _ = token_rotator_sqlite_disable_memory_statistics() }()
}
