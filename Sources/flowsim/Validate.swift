import ArgumentParser
import Foundation
import PatientFlow
import Scenario

/// `flowsim validate FILE...`: every error of every file.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files and print every error (file:line:column: key: message).",
        discussion: """
        Exit code 0 when every file is valid, 2 when any has errors.

        Examples:
          flowsim validate scenarios/*.yaml
        """
    )

    @Argument(help: "Scenario files.")
    var files: [String] = []

    @OptionGroup var fileOptions: FileOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one scenario file.") }
    }

    func run() throws {
        var bad = 0
        for f in files {
            let errors = Scenario.validate(path: f, allowing: fileOptions.allowDirs)
            if errors.isEmpty {
                print("ok \(f)")
            } else {
                bad += 1
                for e in errors { printError(e.description) }
            }
        }
        if bad > 0 {
            printError("\(bad) of \(files.count) files have errors")
            throw ExitCode(2)
        }
    }
}
