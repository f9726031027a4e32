import SimCore

/// An elective list: patients by referral time, the longest waiter first.
struct ElectiveQueue {
    struct Entry: Comparable {
        var referral: SimTime
        var patient: Int32
        /// Ordered by referral time only: patients referred at the same instant come out in heap order.
        static func < (a: Entry, b: Entry) -> Bool { a.referral < b.referral }
        static func == (a: Entry, b: Entry) -> Bool { a.referral == b.referral }
    }

    private var heap = BinaryHeap<Entry>()

    var count: Int { heap.count }

    /// - Complexity: O(log(count)).
    mutating func push(referral: SimTime, patient: Int32) { heap.insert(Entry(referral: referral, patient: patient)) }

    /// The longest waiter: (referral time, patient).
    /// - Complexity: O(log(count)).
    mutating func pop() -> (SimTime, Int32)? { heap.popMin().map { ($0.referral, $0.patient) } }

    /// Patients referred before `t`. O(count): used at month ends only.
    func count(referredBefore t: SimTime) -> Int { heap.unordered.reduce(0) { $0 + ($1.referral < t ? 1 : 0) } }
}
