extension SystemSpec {
    /// Where the patients a loss unit (a virtual ward with `when_full`) can turn away come from, for
    /// `unit.<name>.turned_away.<from>`: the units whose routes can send a patient to it (holding a place there,
    /// or, for an arrivals unit, just made by it), as unit indices, and `units.count` for people at home
    /// (readmissions and other 91-day returns). A full ward passes its step-ups on to its `when_full`, so a ward
    /// reached that way also sees the sources of the wards before it. Sorted; the same set for every replication.
    func stepUpSources(of ward: Int) -> [Int] {
        var direct = Array(repeating: Set<Int>(), count: units.count)
        var passedOn = Array(repeating: [Int](), count: units.count)  // when_full edges
        let home = units.count
        func add(_ from: Int, _ route: Keyed<Outcome>?) {
            for t in route?.possibleTargets ?? [] where units.indices.contains(t) { direct[t].insert(from) }
        }
        for (u, unit) in units.enumerated() {
            switch unit.kind {
            case .arrivals(let a): add(u, a.route)
            case .ambulanceHandover(let h): add(u, h.route)
            case .emergencyDepartment(let e): for area in e.areas { add(u, area.route) }
            case .communityService(let s), .beddedCare(let s): add(u, s.route)
            case .acuteWard(let w):
                for p in w.pathways where units.indices.contains(p.target) { direct[p.target].insert(u) }
                add(home, w.followUp?.readmissionRoute)
            case .exit(let x): add(home, x.readmissionRoute)
            case .virtualWard(let v):
                add(u, v.route)
                add(u, v.escalateTo)
                if units.indices.contains(v.whenFull) { passedOn[u].append(v.whenFull) }
            case .urgentCommunityResponse(let r):
                add(u, r.route)
                add(u, r.outOfHours)
            case .electiveList(let e): if units.indices.contains(e.ward) { add(e.ward, e.route) }
            }
        }
        // Sources reach `ward` directly or through a chain of full wards' when_full (cycles are rejected by
        // validation; the visited set keeps a code-built system from looping).
        var sources = Set<Int>(), visited = Set<Int>(), stack = [ward]
        while let w = stack.popLast() {
            guard visited.insert(w).inserted else { continue }
            sources.formUnion(direct[w])
            for (u, targets) in passedOn.enumerated() where targets.contains(w) { stack.append(u) }
        }
        sources.remove(ward)
        return sources.sorted()
    }
}
