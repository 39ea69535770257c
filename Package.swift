// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "token-rotator",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "token-rotator", targets: ["token-rotator"]),
        .executable(name: "jenkins-sim", targets: ["jenkins-sim"]),
        .executable(name: "rotator-bench", targets: ["rotator-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(
            url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "token-rotator",
            dependencies: ["RotatorCLI"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "jenkins-sim",
            dependencies: ["JenkinsSimulator"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rotator-bench",
            dependencies: [
                "RotatorCore", "InventoryStore", "JenkinsAPI", "JenkinsSimulator", "TokenSinks",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/rotator-bench",
            swiftSettings: swiftSettings
        ),
        .target(name: "CSystemCalls"),
        // The one sqlite3_config call (variadic, so not callable from Swift) the inventory makes.
        .target(name: "CSQLiteSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        // A pthread_mutex-backed lock that ThreadSanitizer sees (Synchronization.Mutex it does not, on Linux).
        .target(name: "Locking", swiftSettings: swiftSettings),
        // Dispatch signal sources that are armed before the caller goes on (token-rotator and jenkins-sim).
        .target(name: "SignalSources", swiftSettings: swiftSettings),
        .target(
            name: "RotatorCLI",
            dependencies: [
                "Locking", "SignalSources",
                "RotatorCore", "InventoryStore", "PostgresInventory", "InventoryCopy", "JenkinsAPI", "TokenSinks",
                "CSystemCalls",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RotatorCore",
            dependencies: [
                "Locking",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "InventoryStore",
            dependencies: [
                "Locking", "CSQLiteSettings",
                "RotatorCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own C API, for the one loop GRDB's per-call conveniences would dominate (import staging).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            resources: [
                .embedInCode("../../migrations/0001_create_inventory.sql"),
                .embedInCode("../../migrations/0002_index_active_tokens_by_age.sql"),
                .embedInCode("../../migrations/0003_add_token_usage.sql"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresInventory",
            dependencies: [
                "RotatorCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [
                .embedInCode("../../migrations/postgresql/0001_create_inventory.sql"),
                .embedInCode("../../migrations/postgresql/0002_add_token_usage.sql"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "InventoryCopy",
            dependencies: [
                "InventoryStore", "PostgresInventory",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TokenSinks",
            dependencies: [
                "Locking",
                "RotatorCore", "CSystemCalls",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JenkinsAPI",
            dependencies: [
                "RotatorCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JenkinsSimulator",
            dependencies: [
                "Locking", "SignalSources",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RotatorTestSupport",
            dependencies: [
                "Locking", "RotatorCore", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/RotatorTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RotatorCoreTests",
            dependencies: [
                "Locking", "RotatorCore", "RotatorTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InventoryStoreTests",
            dependencies: [
                "RotatorTestSupport", "InventoryStore", "RotatorCore",
                // The deferred-index test looks at the schema inside the import's own transaction.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                "Locking",
                "PostgresInventory",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PostgresTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresInventoryTests",
            dependencies: [
                "PostgresInventory", "InventoryStore", "InventoryCopy", "RotatorCore", "RotatorTestSupport",
                "PostgresTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TokenSinksTests",
            dependencies: [
                "Locking",
                "RotatorTestSupport", "TokenSinks", "RotatorCore", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JenkinsSimulatorTests",
            dependencies: [
                "JenkinsSimulator",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JenkinsAPITests",
            dependencies: [
                "RotatorTestSupport",
                "JenkinsAPI", "JenkinsSimulator", "RotatorCore",
                .product(name: "Crypto", package: "swift-crypto"),
                "JenkinsTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JenkinsTestSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/JenkinsTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RotatorCLITests",
            dependencies: [
                "Locking", "SignalSources",
                "RotatorCLI", "RotatorCore", "InventoryStore", "JenkinsSimulator", "JenkinsAPI", "JenkinsTestSupport",
                "PostgresInventory", "PostgresTestSupport", "TokenSinks",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
