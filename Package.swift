// swift-tools-version: 6.0
import PackageDescription

// MARK: - Targets
//
// Dependencies flow one way (DESIGN §1):
//   flowsim-bench -> SimCore, Stochastics
// SimCore knows no health words and does no I/O; Stochastics is the only importer of CGSL.

let package = Package(
    name: "flowsim",
    products: [
        .library(name: "SimCore", targets: ["SimCore"]),
        .library(name: "Stochastics", targets: ["Stochastics"]),
        .executable(name: "flowsim-bench", targets: ["flowsim-bench"]),
    ],
    dependencies: [],
    targets: [
        // MARK: C libraries
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),

        // MARK: Engine
        .target(
            name: "Stochastics",
            dependencies: ["CGSL"]
        ),
        .target(
            name: "SimCore"
        ),

        // MARK: Executables
        .executableTarget(
            name: "flowsim-bench",
            dependencies: ["SimCore", "Stochastics"]
        ),

        // MARK: Tests
        .testTarget(name: "StochasticsTests", dependencies: ["Stochastics"]),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore", "Stochastics"]),
    ]
)
