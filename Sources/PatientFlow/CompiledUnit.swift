import SimCore
import Stochastics

/// What kind a unit is, without its parameters: cheap to switch on.
enum UnitTag: UInt8 {
    case arrivals, handover, emergencyDepartment, acuteWard, communityService, beddedCare, exit
    case virtualWard, urgentResponse, electiveList
}

/// One unit of a replication, compiled from its `UnitSpec`: its tag, its parameters by kind, its random
/// streams and its resource.
///
/// A class, and the hot paths switch on `tag` and read the one parameter they need: pattern-matching
/// `UnitKind` copies the whole payload and retains every array in it, which was more than half of the
/// model's run time.
final class CompiledUnit {
    let index: Int
    let name: String
    let tag: UnitTag
    let service: ServiceSpec?
    let ward: AcuteWardSpec?
    let exit: ExitSpec?
    let handover: HandoverSpec?
    let arrivals: ArrivalsSpec?
    let virtualWard: VirtualWardSpec?
    let urgentResponse: UrgentResponseSpec?
    let electiveList: ElectiveListSpec?
    let places: PlacesSpec?
    let resource: ResourceID?
    /// Where a patient in this unit is, for the 91-day follow-up.
    let personState: PersonState
    /// For acute wards: each pathway's position in the run's list of pathway names (metrics).
    let pathwayMetricIndex: [Int]
    // Random streams, each keyed by (seed, replication, "<unit>/<purpose>").
    let arrivalStream, mixStream, routeStream, stayStream, delayStream, deconditioningStream, followUpStream,
        initialStream: RandomStream

    /// The unit's route on, if it has one.
    var route: Keyed<Outcome>? {
        switch tag {
        case .arrivals: return arrivals!.route
        case .handover: return handover!.route
        case .emergencyDepartment, .communityService, .beddedCare: return service!.route
        case .virtualWard: return virtualWard!.route
        case .urgentResponse: return urgentResponse!.route
        case .acuteWard, .exit, .electiveList: return nil
        }
    }

    init(_ unit: UnitSpec, index: Int, resource: ResourceID?, pathwayMetricIndex: [Int], seed: UInt64,
         replication: Int, generator: GeneratorKind) {
        self.index = index
        self.name = unit.name
        self.resource = resource
        self.places = unit.kind.places
        self.personState = unit.kind.personState
        self.pathwayMetricIndex = pathwayMetricIndex
        var service: ServiceSpec?, ward: AcuteWardSpec?, exit: ExitSpec?, handover: HandoverSpec?, arrivals: ArrivalsSpec?
        var virtualWard: VirtualWardSpec?, urgentResponse: UrgentResponseSpec?, electiveList: ElectiveListSpec?
        switch unit.kind {
        case .arrivals(let a): tag = .arrivals; arrivals = a
        case .ambulanceHandover(let h): tag = .handover; handover = h
        case .emergencyDepartment(let s): tag = .emergencyDepartment; service = s
        case .acuteWard(let w): tag = .acuteWard; ward = w
        case .communityService(let s): tag = .communityService; service = s
        case .beddedCare(let s): tag = .beddedCare; service = s
        case .exit(let x): tag = .exit; exit = x
        case .virtualWard(let v): tag = .virtualWard; virtualWard = v
        case .urgentCommunityResponse(let u): tag = .urgentResponse; urgentResponse = u
        case .electiveList(let e): tag = .electiveList; electiveList = e
        }
        // Copies that share nothing with other replications' threads (see ReplicaCopyable).
        self.service = service?.replicaCopy()
        self.ward = ward?.replicaCopy()
        self.exit = exit?.replicaCopy()
        self.handover = handover?.replicaCopy()
        self.arrivals = arrivals?.replicaCopy()
        self.virtualWard = virtualWard?.replicaCopy()
        self.urgentResponse = urgentResponse?.replicaCopy()
        self.electiveList = electiveList?.replicaCopy()
        func stream(_ purpose: String) -> RandomStream {
            RandomStream(seed: seed, replication: replication, name: "\(unit.name)/\(purpose)", kind: generator)
        }
        arrivalStream = stream("arrivals")
        mixStream = stream("mix")
        routeStream = stream("route")
        stayStream = stream("stay")
        delayStream = stream("delay")
        deconditioningStream = stream("deconditioning")
        followUpStream = stream("follow-up")
        initialStream = stream("initial")
    }
}
