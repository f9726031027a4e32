import Foundation
import PatientFlow
import Reporting
import Scenario
import XCTest

/// Issue 13 point 3: trace.csv (docs/trace.md) as a record a reader can rebuild the run's statistics from.
final class TraceTests: XCTestCase {
    typealias Event = SystemSimulation.TraceEvent

    /// A shipped example: arrivals, an ambulance handover, an ED with a cubicle schedule, an acute ward with
    /// pathways, reablement and rehab with queues, exits.
    func example(_ name: String = "small-chain") throws -> SystemSpec {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try Scenario.load(path: root.appendingPathComponent("scenarios/examples/\(name).yaml").path).spec
    }

    func traced(_ spec: SystemSpec, replication: Int) -> ([Event], ReplicationResult) {
        let sim = SystemSimulation(spec: spec, replication: replication)
        final class Sink: @unchecked Sendable { var events: [Event] = [] }
        let sink = Sink()
        sim.trace = { sink.events.append($0) }
        let result = sim.run()
        return (sink.events, result)
    }

    /// Every `granted` and `blocked` answers the episode's open `request` for the same unit; `enter` follows
    /// `granted` (for the same place) except for patients present at the start; every episode arrives first.
    func testGrantsAnswerRequests() throws {
        let (events, _) = traced(try example(), replication: 0)
        var open: [Int: Event] = [:], granted: [Int: Event] = [:], arrived = Set<Int>()
        var grants = 0, blocks = 0
        for e in events {
            if e.kind == .arrive {
                XCTAssertTrue(arrived.insert(e.episode).inserted, "episode \(e.episode) arrives once")
                continue
            }
            XCTAssertTrue(arrived.contains(e.episode), "\(e.kind) before the arrival of episode \(e.episode)")
            switch e.kind {
            case .request:
                XCTAssertNil(open[e.episode], "one open request per episode")
                open[e.episode] = e
            case .blocked:
                XCTAssertEqual(open[e.episode]?.unit, e.unit)
                XCTAssertEqual(open[e.episode]?.place, e.place, "blocked in the queue of the place asked for")
                XCTAssertEqual(open[e.episode]?.time, e.time)
                blocks += 1
            case .granted:
                let request = try XCTUnwrap(open[e.episode], "granted without a request at \(e.time)")
                XCTAssertEqual(request.unit, e.unit)
                XCTAssertLessThanOrEqual(request.time, e.time)
                open[e.episode] = nil
                granted[e.episode] = e
                grants += 1
            case .withdrawn:
                XCTAssertNotNil(open.removeValue(forKey: e.episode))
            case .enter:
                if e.time > 0 || granted[e.episode] != nil {
                    let g = try XCTUnwrap(granted.removeValue(forKey: e.episode), "enter without a grant")
                    XCTAssertEqual(g.place, e.place)
                    XCTAssertEqual(g.time, e.time)
                }
            case .exit:
                XCTAssertNil(granted[e.episode])
            default: break
            }
        }
        XCTAssertGreaterThan(grants, 1000)
        XCTAssertGreaterThan(blocks, 20, "the example has queues")
        // Episodes and persons are numbered from 0 in order of creation.
        let episodes = events.filter { $0.kind == .arrive }.map(\.episode)
        XCTAssertEqual(episodes, Array(0..<episodes.count))
        XCTAssertGreaterThan(Set(events.map(\.person)).count, 100)
    }

    /// The time-weighted queue and occupancy of every place, rebuilt from the trace over the run after warm-up,
    /// equal the run's own `unit.<place>.queue_mean` and `.occupancy_mean` for that replication.
    func testQueuesAndOccupancyFromTheTraceEqualTheRunsStatistics() throws {
        let spec = try example()
        for replication in [0, 1] {
            let (events, result) = traced(spec, replication: replication)
            let start = spec.warmUp, end = spec.warmUp + spec.horizon
            var queue: [String: Double] = [:], held: [String: Double] = [:]
            var queueArea: [String: Double] = [:], heldArea: [String: Double] = [:], last = 0.0
            var waitingFor: [Int: String] = [:], holds: [Int: String] = [:]
            func advance(to t: Double) {
                let a = max(start, min(last, end)), b = max(start, min(t, end))
                if b > a {
                    for (k, n) in queue { queueArea[k, default: 0] += n * (b - a) }
                    for (k, n) in held { heldArea[k, default: 0] += n * (b - a) }
                }
                last = t
            }
            for e in events {
                advance(to: e.time)
                switch e.kind {
                case .blocked:
                    queue[e.place, default: 0] += 1
                    waitingFor[e.episode] = e.place
                case .granted, .withdrawn:
                    if let p = waitingFor.removeValue(forKey: e.episode) { queue[p, default: 0] -= 1 }
                case .enter:
                    held[e.place, default: 0] += 1
                    holds[e.episode] = e.place
                case .transfer:
                    if let p = holds[e.episode] { held[p, default: 0] -= 1 }
                    held[e.place, default: 0] += 1
                    holds[e.episode] = e.place
                case .leave:
                    if let p = holds.removeValue(forKey: e.episode) { held[p, default: 0] -= 1 }
                default: break
                }
            }
            advance(to: end)
            var compared = 0
            for place in Set(held.keys).union(queue.keys) where !place.isEmpty {
                for (id, area) in [("unit.\(place).queue_mean", queueArea[place] ?? 0), ("unit.\(place).occupancy_mean", heldArea[place] ?? 0)] {
                    let run = try XCTUnwrap(result.metric(id), id)
                    XCTAssertEqual(area / spec.horizon, run, accuracy: 1e-9 * max(1, run), "\(id), replication \(replication)")
                    compared += 1
                }
            }
            XCTAssertGreaterThanOrEqual(compared, 8)
            XCTAssertGreaterThan(queueArea.values.reduce(0, +), 0, "some place had a queue")
        }
    }

    /// The columns: the fixed ones, then one per attribute of the scenario holding the level's name.
    func testTheCSVHasOneColumnPerAttribute() throws {
        let spec = try example()
        let writer = TraceWriter(attributes: spec.attributes)
        XCTAssertEqual(writer.header, "replication,time_minutes,episode,person,unit,place,event,age_band,frailty\n")
        let (events, _) = traced(spec, replication: 1)
        let row = writer.row(replication: 1, try XCTUnwrap(events.first { $0.kind == .request }))
        let fields = row.dropLast().split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(fields.count, 9)
        XCTAssertEqual(fields[0], "1")
        XCTAssertEqual(fields[6], "request")
        XCTAssertTrue(spec.attributes[0].levels.contains(String(fields[7])), row)
        XCTAssertTrue(spec.attributes[1].levels.contains(String(fields[8])), row)
        // An attribute named like a fixed column is prefixed.
        let clash = TraceWriter(attributes: [AttributeSpec(name: "unit", levels: ["a"])])
        XCTAssertTrue(clash.header.hasSuffix(",event,attribute.unit\n"), clash.header)
    }
}
