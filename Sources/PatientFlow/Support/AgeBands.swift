/// Age bands: which levels are 65 and over ("65-74", "75-84", "85+" yes; "18-64" no), for the 91-day cohort.
enum AgeBands {
    static func isOlder(_ level: String) -> Bool {
        let digits = level.prefix { $0.isNumber }
        guard let lower = Int(digits) else { return false }
        return lower >= 65
    }
}
