import CSystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What token-rotator does to itself before anything else, because it holds credentials and freshly minted
/// tokens in memory (SPEC §8.12): no core dump may ever write them to disk, and other processes of the same
/// user may not attach to it or read its memory.
enum ProcessHardening {
    /// The soft and hard `RLIMIT_CORE` become 0 (child processes inherit that) and the process is made not
    /// dumpable (`PR_SET_DUMPABLE` 0, which exec resets for children). Failures are ignored: both are
    /// defences in depth, and a system that refuses them refuses them for every run.
    static func apply() {
        disableCoreDumps()
        setDumpable(false)
    }

    static func disableCoreDumps() {
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(coreLimit, &noCore)
    }

    static func setDumpable(_ dumpable: Bool) {
        _ = token_rotator_set_dumpable(dumpable ? 1 : 0)
    }

    /// The current soft core-size limit.
    static var coreSizeLimit: UInt64 {
        var limit = rlimit()
        getrlimit(coreLimit, &limit)
        return UInt64(limit.rlim_cur)
    }

    /// Whether the process may dump core (`PR_GET_DUMPABLE`); nil where the system cannot say.
    static var isDumpable: Bool? {
        let value = token_rotator_get_dumpable()
        return value < 0 ? nil : value != 0
    }

    #if os(Linux)
        private static let coreLimit = __rlimit_resource_t(RLIMIT_CORE.rawValue)
    #else
        private static let coreLimit = RLIMIT_CORE
    #endif
}
