// swift-tools-version: 6.0
import PackageDescription

// MARK: - Targets
//
// Dependencies flow one way (DESIGN §1):
//   flowsim -> Reporting, Scenario -> PatientFlow -> SimCore, Stochastics -> CGSL
//   flowsim-bench -> Scenario, PatientFlow, SimCore, Stochastics
// SimCore knows no health words and does no I/O; Stochastics is the only importer of CGSL.

let package = Package(
    name: "flowsim",
    products: [
        .library(name: "SimCore", targets: ["SimCore"]),
        .library(name: "Stochastics", targets: ["Stochastics"]),
        .library(name: "PatientFlow", targets: ["PatientFlow"]),
        .library(name: "Scenario", targets: ["Scenario"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .executable(name: "flowsim", targets: ["flowsim"]),
        .executable(name: "flowsim-bench", targets: ["flowsim-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
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
        .target(
            name: "Scenario",
            dependencies: ["PatientFlow", "SimCore", "Stochastics", .product(name: "Yams", package: "Yams")]
        ),

        // MARK: Outputs
        .target(
            name: "Reporting",
            dependencies: ["PatientFlow", "SimCore", "Stochastics"]
        ),

        // MARK: Executables
        .executableTarget(
            name: "flowsim",
            dependencies: [
                "Scenario", "Reporting", "PatientFlow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: [.plugin(name: "BuildInfo")]
        ),
        .executableTarget(
            name: "flowsim-bench",
            dependencies: ["SimCore", "Stochastics", "PatientFlow", "Scenario"]
        ),

        // MARK: Plugins
        // Records the git commit in the flowsim binary (`flowsim --version`, provenance in every result).
        .plugin(name: "BuildInfo", capability: .buildTool()),

        // MARK: Tests
        .testTarget(name: "StochasticsTests", dependencies: ["Stochastics"]),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore", "Stochastics"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "PatientFlow", "SimCore", "Stochastics"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "PatientFlowTests", dependencies: ["PatientFlow", "SimCore", "Stochastics"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "PatientFlow", "Scenario", "SimCore"]),
    ]
)
