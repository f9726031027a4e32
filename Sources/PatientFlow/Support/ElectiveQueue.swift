import SimCore

/// An elective list: patients by clinical priority, then by the start of their referral-to-treatment clock, so
/// a session calls the most urgent patient first and, among equally urgent ones, the longest waiter
/// (decision 110).
struct ElectiveQueue {
    struct Entry: Comparable {
        /// The priority's rank (0 is the most urgent).
        var priority: Int32
        var referral: SimTime
        var patient: Int32
        /// Ordered by priority, then referral time: patients of one priority referred at the same instant come
        /// out in heap order.
        static func < (a: Entry, b: Entry) -> Bool {
            a.priority != b.priority ? a.priority < b.priority : a.referral < b.referral
        }
        static func == (a: Entry, b: Entry) -> Bool { a.priority == b.priority && a.referral == b.referral }
    }

    private var heap = BinaryHeap<Entry>()

    var count: Int { heap.count }

    /// - Complexity: O(log(count)).
    mutating func push(referral: SimTime, patient: Int32, priority: Int = 0) {
        heap.insert(Entry(priority: Int32(priority), referral: referral, patient: patient))
    }

    /// The next patient to call: (referral time, patient).
    /// - Complexity: O(log(count)).
    mutating func pop() -> (SimTime, Int32)? { heap.popMin().map { ($0.referral, $0.patient) } }

    /// Patients referred before `t`. O(count): used at month ends and at the end.
    func count(referredBefore t: SimTime) -> Int { heap.unordered.reduce(0) { $0 + ($1.referral < t ? 1 : 0) } }

    /// Patients at each priority rank (`ranks` of them). O(count).
    func counts(ranks: Int) -> [Int] {
        var c = Array(repeating: 0, count: ranks)
        for e in heap.unordered where c.indices.contains(Int(e.priority)) { c[Int(e.priority)] += 1 }
        return c
    }
}
