import Stochastics

/// A value that can make a copy sharing no reference-counted object with the original.
///
/// Each replication runs on its own thread with its own copy of the tables its hot paths read. Shared
/// immutable objects are safe, but every retain of one is an atomic write to a cache line the other cores
/// also write: with the spec shared, 100 replications on 2 cores ran 80% slower than 2 x 50 alone.
protocol ReplicaCopyable {
    func replicaCopy() -> Self
}

extension Double: ReplicaCopyable {
    func replicaCopy() -> Double { self }
}

extension Int: ReplicaCopyable {
    func replicaCopy() -> Int { self }
}

extension EmpiricalChoice: ReplicaCopyable {
    func replicaCopy() -> Self {
        // Rebuilding the Walker table costs O(k) once per replication.
        Self(values: values.map { $0 }, weights: probabilities)!
    }
}

extension Distribution: ReplicaCopyable {
    func replicaCopy() -> Distribution {
        if case .empirical(let e) = self { return .empirical(e.replicaCopy()) }
        return self
    }
}

extension Keyed: ReplicaCopyable where Value: ReplicaCopyable {
    func replicaCopy() -> Keyed {
        Keyed(keys: keys.map { $0 }, sizes: sizes.map { $0 }, values: values.map { $0.replicaCopy() })
    }
}

extension Optional: ReplicaCopyable where Wrapped: ReplicaCopyable {
    func replicaCopy() -> Optional { map { $0.replicaCopy() } }
}

extension Array: ReplicaCopyable where Element: ReplicaCopyable {
    func replicaCopy() -> Array { map { $0.replicaCopy() } }
}

extension PathwaySpec: ReplicaCopyable {
    func replicaCopy() -> PathwaySpec {
        PathwaySpec(name: name, target: target, delay: delay.replicaCopy(), withinDischargeHours: withinDischargeHours,
                    countsFor91Day: countsFor91Day, reassessedAs: reassessedAs?.replicaCopy())
    }
}

extension ServiceSpec: ReplicaCopyable {
    func replicaCopy() -> ServiceSpec {
        ServiceSpec(places: places, stay: stay.replicaCopy(), route: route.replicaCopy(), initial: initial, atHome: atHome,
                    accepts: accepts)
    }
}

extension AcuteWardSpec: ReplicaCopyable {
    func replicaCopy() -> AcuteWardSpec {
        AcuteWardSpec(pools: pools, homePool: homePool?.replicaCopy(), outliers: outliers, escalationRules: escalationRules,
                      turnaround: turnaround?.replicaCopy(), pathways: pathways.replicaCopy(),
                      pathwayMix: pathwayMix.replicaCopy(), acuteStay: acuteStay.replicaCopy(),
                      dischargeOpen: dischargeOpen, dischargeClose: dischargeClose, dischargeTiming: dischargeTiming,
                      escalationPerDay: escalationPerDay.map { $0 }, escalateTo: escalateTo.map { $0 },
                      independenceLossPerDay: independenceLossPerDay, followUp: followUp?.replicaCopy())
    }
}

extension AfterDischargeSpec: ReplicaCopyable {
    func replicaCopy() -> AfterDischargeSpec {
        AfterDischargeSpec(readmission: readmission.replicaCopy(), readmissionFactor: readmissionFactor.replicaCopy(),
                           readmissionPerNCTRDay: readmissionPerNCTRDay, readmissionTime: readmissionTime.replicaCopy(),
                           readmissionRoute: readmissionRoute.replicaCopy(), death: death.replicaCopy(),
                           careHomeMove: careHomeMove.replicaCopy(), eventTime: eventTime.replicaCopy())
    }
}

extension ExitSpec: ReplicaCopyable {
    func replicaCopy() -> ExitSpec {
        ExitSpec(destination: destination, readmission: readmission.replicaCopy(),
                 readmissionTime: readmissionTime.replicaCopy(), readmissionRoute: readmissionRoute.replicaCopy(),
                 death: death.replicaCopy(), careHomeMove: careHomeMove.replicaCopy(), eventTime: eventTime.replicaCopy(),
                 readmissionFactor: readmissionFactor.replicaCopy())
    }
}

extension HandoverSpec: ReplicaCopyable {
    func replicaCopy() -> HandoverSpec { HandoverSpec(handover: handover.replicaCopy(), route: route.replicaCopy()) }
}

extension ArrivalsSpec: ReplicaCopyable {
    func replicaCopy() -> ArrivalsSpec {
        ArrivalsSpec(rate: rate, mix: mix.replicaCopy(), route: route.replicaCopy(), byAmbulance: byAmbulance,
                     fromPopulation: fromPopulation, arrivalMode: arrivalMode)
    }
}

extension VirtualWardSpec: ReplicaCopyable {
    func replicaCopy() -> VirtualWardSpec {
        VirtualWardSpec(role: role, places: places, stay: stay.replicaCopy(), policy: policy, whenFull: whenFull,
                        stepDownFrom: stepDownFrom, stepDownEligible: stepDownEligible.replicaCopy(),
                        eligibleAfterFraction: eligibleAfterFraction, escalation: escalation.replicaCopy(),
                        escalateTo: escalateTo.replicaCopy(), route: route.replicaCopy(), serviceWait: serviceWait)
    }
}

extension UrgentResponseSpec: ReplicaCopyable {
    func replicaCopy() -> UrgentResponseSpec {
        UrgentResponseSpec(crews: crews, visit: visit.replicaCopy(), route: route.replicaCopy(), travel: travel.replicaCopy(),
                           hours: hours, outOfHours: outOfHours.replicaCopy())
    }
}

extension ElectiveListSpec: ReplicaCopyable {
    func replicaCopy() -> ElectiveListSpec {
        ElectiveListSpec(referrals: referrals, sessions: sessions, ward: ward, stay: stay.replicaCopy(),
                         route: route.replicaCopy(),
                         initialList: initialList.map { InitialCohort(priority: $0.priority, size: $0.size, wait: $0.wait.replicaCopy()) },
                         mix: mix.replicaCopy(), pools: pools.map { $0 }, priorities: priorities.map { $0 },
                         dayCase: dayCase.replicaCopy(), waitBeforeListing: waitBeforeListing.replicaCopy())
    }
}
