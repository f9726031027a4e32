import ArgumentParser
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// Loads a scenario; bad input prints every error and exits with code 2.
func loadScenario(_ path: String) throws -> Scenario {
    do {
        return try Scenario.load(path: path)
    } catch {
        for e in error.errors { printError(e.description) }
        throw ExitCode(2)
    }
}

func printError(_ message: String) {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

enum ProcessInfoLite {
    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
