#ifndef CSQLITE_SETTINGS_H
#define CSQLITE_SETTINGS_H

/// Turns off SQLite's memory statistics (SQLITE_CONFIG_MEMSTATUS), which count every allocation under a global
/// mutex. sqlite3_config is variadic, so Swift cannot call it: this wraps the one call. It only takes effect
/// before SQLite initialises; later it returns SQLITE_MISUSE and changes nothing.
int token_rotator_sqlite_disable_memory_statistics(void);

#endif
