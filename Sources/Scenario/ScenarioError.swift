import Foundation

/// Where something is in a scenario file: the file as given (relative or absolute), line and column from 1.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem in a scenario: where it is, the key path, and what is wrong and what is allowed.
///
/// Printed as `file:line:column: key.path: message`, the form editors and compilers use.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// The dotted key path, e.g. `units.ed.cubicles`; empty for the document itself.
    public var path: String
    public var message: String

    public init(location: SourceLocation, path: String, message: String) {
        self.location = location
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
    }
}

/// All the problems found in one pass over a scenario, in file order.
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ScenarioError]

    public init(_ errors: [ScenarioError]) { self.errors = errors }

    /// One error a line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

extension ScenarioErrors: LocalizedError {
    public var errorDescription: String? { description }
}

extension ScenarioError: LocalizedError {
    public var errorDescription: String? { description }
}
