// swift-tools-version: 6.0
import PackageDescription

// MARK: - Targets
//
// Dependencies flow one way (DESIGN §1):
//   Reporting -> PatientFlow -> SimCore, Stochastics -> CGSL
//   flowsim-bench -> SimCore, Stochastics
// SimCore knows no health words and does no I/O; Stochastics is the only importer of CGSL.

let package = Package(
    name: "flowsim",
    products: [
        .library(name: "SimCore", targets: ["SimCore"]),
        .library(name: "Stochastics", targets: ["Stochastics"]),
        .library(name: "PatientFlow", targets: ["PatientFlow"]),
        .library(name: "Reporting", targets: ["Reporting"]),
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

        // MARK: Model
        .target(
            name: "PatientFlow",
            dependencies: ["SimCore", "Stochastics"]
        ),

        // MARK: Outputs
        .target(
            name: "Reporting",
            dependencies: ["PatientFlow", "Stochastics"]
        ),

        // MARK: Executables
        .executableTarget(
            name: "flowsim-bench",
            dependencies: ["SimCore", "Stochastics"]
        ),

        // MARK: Tests
        .testTarget(name: "StochasticsTests", dependencies: ["Stochastics"]),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore", "Stochastics"]),
        .testTarget(name: "PatientFlowTests", dependencies: ["PatientFlow", "SimCore", "Stochastics"]),
    ]
)
