import Foundation
import PatientFlow
import Scenario
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12: loops that take no time, limits checked before allocating, files confined to the scenario's folder,
/// nothing echoed from files that are not scenarios, clear reasons when a file cannot be read.
final class HardeningTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-hardening-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("scenario/sub"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: Loops that take no time (4)

    /// A system whose units form `loop` with zero stays; `extra` adds units.
    func loopScenario(_ units: String) -> String {
        "name: loop\nhorizon: 10d\nunits:\n  door: {kind: arrivals, rate: {per_day: 5}, route: a}\n" + units
            + "  home: {kind: exit, destination: home}\n"
    }

    func testZeroStayLoopIsRejectedNamingTheUnits() {
        let e = errors(loopScenario("""
              a: {kind: bedded_care, beds: unlimited, stay: 0min, route: b}
              b: {kind: bedded_care, beds: unlimited, stay: 0min, route: a}

            """))
        assertWellFormed(e)
        let x = error(e, at: "units.a.stay")
        XCTAssertTrue(x?.message.contains("units a -> b -> a form a loop a patient can go round in no time") ?? false, "\(e)")
        XCTAssertTrue(x?.message.contains("stay can be 0") ?? false)
    }

    func testLoopWithAStayThatIsNeverZeroIsAccepted() {
        XCTAssertNotNil(loads(loopScenario("""
              a: {kind: bedded_care, beds: unlimited, stay: 0min, route: {b: 0.5, home: 0.5}}
              b: {kind: bedded_care, beds: unlimited, stay: {exponential: {mean: 1h}}, route: a}

            """)))
        // A stay of 0 on the way out of the system is fine: no loop.
        XCTAssertNotNil(loads(loopScenario("  a: {kind: bedded_care, beds: 3, stay: 0min, route: home}\n")))
    }

    func testZeroStaysKeyedByDestinationCountOnlyForThatDestination() {
        // a's stay is 0 only for patients going home, so a -> b takes time: no loop.
        XCTAssertNotNil(loads(loopScenario("""
              a: {kind: bedded_care, beds: unlimited, stay: {by: next, table: {b: 1h, home: 0min}}, route: {b: 0.5, home: 0.5}}
              b: {kind: bedded_care, beds: unlimited, stay: 0min, route: a}

            """)))
        let e = errors(loopScenario("""
              a: {kind: bedded_care, beds: unlimited, stay: {by: next, table: {b: 0min, home: 1h}}, route: {b: 0.5, home: 0.5}}
              b: {kind: bedded_care, beds: unlimited, stay: 0min, route: a}

            """))
        XCTAssertTrue(error(e, at: "units.a.stay")?.message.contains("a -> b -> a") ?? false, "\(e)")
    }

    func testReadmissionLoopWithNoDelayIsRejected() {
        let e = errors("""
            name: readmit
            horizon: 10d
            units:
              door: {kind: arrivals, rate: {per_day: 5}, route: ed}
              ed: {kind: emergency_department, cubicles: unlimited, assessment: 0min, route: home}
              home:
                kind: exit
                destination: home
                readmission: {probability: 1, time: 0min, route: ed}
            """)
        assertWellFormed(e)
        XCTAssertTrue(e.contains { $0.message.contains("ed -> home -> ed") && $0.message.contains("readmission can come at once") },
                      "\(e)")
    }

    func testVirtualWardLoopIsRejected() {
        let e = errors("""
            name: vw
            horizon: 10d
            units:
              door: {kind: arrivals, rate: {per_day: 5}, route: hub}
              hub: {kind: virtual_ward, role: hub, places: 5, stay: 0min, when_full: home, route: spoke}
              spoke: {kind: virtual_ward, role: spoke, places: 5, stay: 0min, when_full: home, route: hub}
              home: {kind: exit, destination: home}
            """)
        assertWellFormed(e)
        XCTAssertTrue(e.contains { $0.path == "units.hub.stay" && $0.message.contains("hub -> spoke -> hub") }, "\(e)")
    }

    func testHandoversPassPatientsOnAtOnce() {
        let e = errors(loopScenario("""
              a: {kind: ambulance_handover, route: b}
              b: {kind: ambulance_handover, route: a}

            """))
        XCTAssertTrue(e.contains { $0.message.contains("a -> b -> a") && $0.message.contains("hands over at once") }, "\(e)")
    }

    func testShippedScenariosHaveNoZeroTimeLoops() {
        for f in ["mk-baseline.yaml", "winter-surge.yaml", "examples/community.yaml", "examples/small-chain.yaml"] {
            XCTAssertEqual(Scenario.validate(path: Paths.repo("scenarios/" + f)), [], f)
        }
    }

    // MARK: Limits before allocation (5)

    func testAFileOverTheSizeLimitIsRejectedBeforeItIsRead() throws {
        let big = "name: x\nhorizon: 1d\ndescription: [" + String(repeating: "1,", count: 600_000) + "1]\nunits: {}\n"
        let path = try write(big, "big.yaml")
        let start = Date()
        let e = Scenario.validate(path: path)
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
        XCTAssertEqual(e.count, 1)
        XCTAssertTrue(e.first?.message.contains("at most \(ScenarioFiles.maximumScenarioBytes) bytes (1 MiB)") ?? false, "\(e)")
    }

    func testAttributeLevelsAreCountedBeforeTheyAreChecked() {
        let levels = (0..<100_000).map { "l\($0)" }.joined(separator: ", ")
        let start = Date()
        let e = errors(Template.scenario(attributes: "  age_band: [18-64, 65+]\n  big: [\(levels)]"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 10.0, "the duplicate check was quadratic (41 s)")
        XCTAssertTrue(error(e, at: "attributes.big")?.message.contains("100000 levels; at most 255 are allowed") ?? false, "\(e)")
    }

    func testInitialPatientsAreLimited() {
        let limit = SystemSimulation.maximumPatientsPresent
        let one = errors(Template.scenario(wardExtra: "    initial: {occupied: 9999999}"))
        XCTAssertTrue(error(one, at: "units.ward.initial.occupied")?.message.contains("from 0 to \(limit)") ?? false, "\(one)")
        // Each unit within the limit, but together above it.
        let text = Template.scenario(wardExtra: "    initial: {occupied: 300000}") + """

              rehab:
                kind: bedded_care
                beds: 5
                stay: 2d
                route: home
                initial: {queued: 300000}
            """
        let all = errors(text)
        XCTAssertTrue(all.contains { $0.message.contains("start with 600000 patients in all") && $0.message.contains("\(limit)") },
                      "\(all)")
    }

    func testUnitsAreLimited() {
        var text = "name: many\nhorizon: 1d\nunits:\n  door: {kind: arrivals, rate: {per_day: 1}, route: home}\n"
        for i in 0..<1_001 { text += "  e\(i): {kind: exit, destination: home}\n" }
        text += "  home: {kind: exit, destination: home}\n"
        let e = errors(text)
        XCTAssertEqual(error(e, at: "units")?.message, "1003 units; at most 1000 are allowed")
    }

    // MARK: Files: confined, never echoed, clear reasons (6, 7)

    func testExtendsOutsideTheScenarioFolderIsRefusedUnlessAllowed() throws {
        _ = try write(Template.scenario(), "base.yaml")
        let child = try write("extends: ../base.yaml\nname: child\n", "scenario/child.yaml")
        let e = Scenario.validate(path: child)
        XCTAssertEqual(e.count, 1)
        XCTAssertEqual(e.first?.path, "extends")
        XCTAssertTrue(e.first?.message.contains("is outside the scenario's folder") ?? false, "\(e)")
        XCTAssertTrue(e.first?.message.contains("--allow-dir") ?? false)
        XCTAssertEqual(Scenario.validate(path: child, allowing: [dir.path]), [])
        // Deeper is fine.
        _ = try write(Template.scenario(), "scenario/sub/base.yaml")
        let deep = try write("extends: sub/base.yaml\nname: deep\n", "scenario/deep.yaml")
        XCTAssertEqual(Scenario.validate(path: deep), [])
    }

    func testASymbolicLinkOutOfTheFolderIsRefused() throws {
        _ = try write(Template.scenario(), "base.yaml")
        XCTAssertEqual(symlink(dir.appendingPathComponent("base.yaml").path, dir.appendingPathComponent("scenario/link.yaml").path), 0)
        let child = try write("extends: link.yaml\nname: child\n", "scenario/child.yaml")
        XCTAssertTrue(Scenario.validate(path: child).first?.message.contains("outside the scenario's folder") ?? false)
    }

    func testCSVOutsideTheFolderIsRefused() throws {
        _ = try write("date,per_day\n2025-04-01,10\n", "rates.csv")
        let path = try write(Template.scenario(rate: "{csv: ../rates.csv}"), "scenario/s.yaml")
        let e = Scenario.validate(path: path)
        XCTAssertTrue(error(e, at: "units.door.rate.csv")?.message.contains("outside the scenario's folder") ?? false, "\(e)")
    }

    func testAFileThatIsNotAScenarioIsNeverEchoed() throws {
        let secret = "SECRET-HASH-1234567890"
        _ = try write("root:$6$\(secret):19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n", "shadow")
        _ = try write("password: \(secret)\ntoken: \(secret)\n", "secrets.yaml")
        _ = try write("a: 1\na: \(secret)\n", "dup.yaml")
        _ = try write("\(secret),x\n1,2\n", "notrates.csv")
        for target in ["../shadow", "../secrets.yaml", "../dup.yaml"] {
            let child = try write("extends: \(target)\nname: c\n", "scenario/c.yaml")
            let e = Scenario.validate(path: child, allowing: [dir.path])
            XCTAssertFalse(e.isEmpty, target)
            XCTAssertFalse(e.contains { $0.description.contains(secret) || $0.description.contains("password") },
                           "\(target): \(e)")
        }
        let direct = Scenario.validate(path: dir.appendingPathComponent("secrets.yaml").path)
        XCTAssertTrue(direct.first?.message.contains("is not a scenario file") ?? false, "\(direct)")
        XCTAssertFalse(direct.contains { $0.description.contains(secret) || $0.description.contains("password") })
        let csv = try write(Template.scenario(rate: "{csv: ../notrates.csv}"), "scenario/csv.yaml")
        let e = Scenario.validate(path: csv, allowing: [dir.path])
        XCTAssertTrue(e.contains { $0.message.contains("its contents are not shown") }, "\(e)")
        XCTAssertFalse(e.contains { $0.description.contains(secret) }, "\(e)")
    }

    func testANulInAFileNameIsRejected() throws {
        _ = try write(Template.scenario(), "scenario/base.yaml")
        let e = errors("extends: \"base.yaml\\0evil\"\nname: x\n", file: dir.appendingPathComponent("scenario/x.yaml").path)
        XCTAssertTrue(error(e, at: "extends")?.message.contains("NUL") ?? false, "\(e)")
        let c = errors(Template.scenario(rate: "{csv: \"rates.csv\\0x\"}"))
        XCTAssertTrue(error(c, at: "units.door.rate.csv")?.message.contains("NUL") ?? false, "\(c)")
    }

    func testReasonsAFileCannotBeRead() throws {
        let a = dir.appendingPathComponent("scenario/loop-a.yaml").path, b = dir.appendingPathComponent("scenario/loop-b.yaml").path
        XCTAssertEqual(symlink(b, a), 0)
        XCTAssertEqual(symlink(a, b), 0)
        XCTAssertTrue(Scenario.validate(path: a).first?.message.contains("symbolic link") ?? false)
        XCTAssertTrue(Scenario.validate(path: dir.path).first?.message.contains("is a folder") ?? false)
        XCTAssertTrue(Scenario.validate(path: dir.appendingPathComponent("none.yaml").path).first?.message.contains("does not exist") ?? false)
        let fifo = dir.appendingPathComponent("scenario/fifo.yaml").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertTrue(Scenario.validate(path: fifo).first?.message.contains("not a regular file") ?? false, "a pipe must not block")
        let child = try write("extends: /dev/zero\nname: x\n", "scenario/zero.yaml")
        XCTAssertTrue(Scenario.validate(path: child, allowing: ["/dev"]).first?.message.contains("not a regular file") ?? false)
        // Root reads any file, so permission is checked by its message only.
        if getuid() != 0 {
            let locked = try write(Template.scenario(), "scenario/locked.yaml")
            chmod(locked, 0)
            XCTAssertTrue(Scenario.validate(path: locked).first?.message.contains("permission denied") ?? false)
        }
    }
}
