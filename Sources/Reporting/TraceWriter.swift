import PatientFlow

/// The rows of `trace.csv` (docs/trace.md): one per traced event, replications one after another.
///
/// Columns: `replication, time_minutes, episode, person, unit, place, event`, then one column per patient
/// attribute the scenario defines, named as the attribute (`age_band`, `frailty`, ...) and holding the level's
/// name. An attribute whose name is one of the fixed columns is written as `attribute.<name>`.
public struct TraceWriter: Sendable {
    public static let fixedColumns = ["replication", "time_minutes", "episode", "person", "unit", "place", "event"]
    let attributes: [AttributeSpec]

    public init(attributes: [AttributeSpec]) { self.attributes = attributes }

    /// The header line (with its newline).
    public var header: String {
        let names = attributes.map { Self.fixedColumns.contains($0.name) ? "attribute." + $0.name : $0.name }
        return (Self.fixedColumns + names).map(Writers.csv).joined(separator: ",") + "\n"
    }

    /// One event of replication `replication` as a line (with its newline).
    public func row(replication: Int, _ e: SystemSimulation.TraceEvent) -> String {
        var s = "\(replication),\(e.time),\(e.episode),\(e.person),\(Writers.csv(e.unit)),\(Writers.csv(e.place)),\(e.kind.rawValue)"
        for (k, a) in attributes.enumerated() {
            let level = e.attributes[k]
            s += "," + (a.levels.indices.contains(level) ? Writers.csv(a.levels[level]) : "")
        }
        return s + "\n"
    }
}
