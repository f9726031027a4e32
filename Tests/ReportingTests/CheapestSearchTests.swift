import Foundation
@testable import Reporting
import XCTest

/// The multi-parameter `size` search (issue 14, point 5) against feasibility rules and costs whose answer is
/// worked out by hand: a fake evaluator stands in for the simulation.
final class CheapestSearchTests: XCTestCase {
    /// Screens a grid of `sizes` with `rule`, counting the calls.
    func screen(_ sizes: [Int], _ rule: @escaping ([Int]) -> Bool) -> (CheapestSearch.Screening, calls: Int) {
        var calls = 0
        let s = CheapestSearch.screen(sizes: sizes) { p in
            calls += 1
            return rule(p)
        }
        return (s, calls)
    }

    /// Every grid point, and which are feasible, by brute force.
    func bruteForce(_ sizes: [Int], _ rule: ([Int]) -> Bool) -> [[Int]] {
        var grid: [[Int]] = [[]]
        for n in sizes { grid = grid.flatMap { p in (0..<n).map { p + [$0] } } }
        return grid.filter(rule)
    }

    func testIndependentThresholdsGiveOneCornerAndFewRuns() {
        // Two independent wards: a needs index >= 10, b needs index >= 6 (as Erlang B gives 15 and 9 places
        // from ranges 5... and 3...). The only minimal feasible point is (10, 6).
        let (s, calls) = screen([26, 18]) { $0[0] >= 10 && $0[1] >= 6 }
        XCTAssertEqual(s.minimal, [[10, 6]])
        XCTAssertEqual(s.frontier.count, 16, "rows 10...25 each have their smallest b at 6")
        XCTAssertTrue(s.frontier.allSatisfy { $0[1] == 6 })
        XCTAssertEqual(s.gridSize, 26 * 18)
        XCTAssertEqual(calls, s.run.count, "no point is run twice")
        XCTAssertLessThanOrEqual(calls, 20, "15 of the 468 points when written")
        XCTAssertEqual(CheapestSearch.cheapest(s.minimal) { Double($0[0]) + Double($0[1]) }, [10, 6])
    }

    func testAStaircaseFrontierMatchesBruteForceAndTheCheapestTradeIsFound() {
        // Feasible iff (a + 1)(b + 1) >= 50 (a, b indices 0...19, values 1...20): a coupled trade. The weights
        // 1 per a-place and 2 per b-place: by hand, places x = a + 1, y = b + 1 with x y >= 50 minimise x + 2y:
        // y = 5, x = 10 gives 20; y = 4, x = 13 and y = 6, x = 9 give 21; y = 7, x = 8 gives 22: the answer is
        // (10, 5), indices (9, 4).
        let rule: ([Int]) -> Bool = { ($0[0] + 1) * ($0[1] + 1) >= 50 }
        let (s, calls) = screen([20, 20], rule)
        let feasible = bruteForce([20, 20], rule)
        let minimalByHand = feasible.filter { p in !feasible.contains { $0 != p && CheapestSearch.isBelow($0, p) } }
        XCTAssertEqual(Set(s.minimal), Set(minimalByHand))
        XCTAssertLessThanOrEqual(calls, 60, "44 of the 400 points when written")
        let cost: ([Int]) -> Double = { Double($0[0] + 1) + 2 * Double($0[1] + 1) }
        XCTAssertEqual(CheapestSearch.cheapest(s.minimal, cost: cost), [9, 4])
        XCTAssertEqual(cost([9, 4]), 20)
        // Equal weights: x + y with x y >= 50 is 15 at (5, 10), (10, 5) and the points between (7 x 8 = 56...);
        // ties go to the first in lexicographic order.
        let plain = CheapestSearch.cheapest(s.minimal) { Double($0[0] + $0[1] + 2) }
        XCTAssertEqual(plain.map { $0[0] + $0[1] + 2 }, 15)
        XCTAssertEqual(plain, s.minimal.first { $0[0] + $0[1] + 2 == 15 })
    }

    func testThreeParametersAndDominanceNeverRunsADecidedPoint() {
        // Feasible iff a + b + c >= 12 on 8 x 8 x 8: many minimal points; each run point is undecided when run.
        let rule: ([Int]) -> Bool = { $0.reduce(0, +) >= 12 }
        let (s, calls) = screen([8, 8, 8], rule)
        let feasible = bruteForce([8, 8, 8], rule)
        let minimal = feasible.filter { p in !feasible.contains { $0 != p && CheapestSearch.isBelow($0, p) } }
        XCTAssertEqual(Set(s.minimal), Set(minimal))
        XCTAssertLessThanOrEqual(calls, 150, "116 of the 512 points when written")
        for (i, e) in s.run.enumerated() {
            let before = s.run.prefix(i)
            XCTAssertFalse(before.contains { $0.feasible && CheapestSearch.isBelow($0.point, e.point) }, "\(e.point) was decided feasible")
            XCTAssertFalse(before.contains { !$0.feasible && CheapestSearch.isBelow(e.point, $0.point) }, "\(e.point) was decided infeasible")
            XCTAssertEqual(e.feasible, rule(e.point))
        }
        // Weights 3, 2, 1: put everything in the cheapest parameter: c = 7, then b = 5, a = 0 (cost 17).
        XCTAssertEqual(CheapestSearch.cheapest(s.minimal) { 3 * Double($0[0]) + 2 * Double($0[1]) + Double($0[2]) }, [0, 5, 7])
    }

    func testNothingFeasibleRunsOnlyTheTopOfEachLineItNeeds() {
        let (s, calls) = screen([10, 10]) { _ in false }
        XCTAssertTrue(s.frontier.isEmpty && s.minimal.isEmpty)
        XCTAssertNil(CheapestSearch.cheapest(s.minimal) { _ in 0 })
        XCTAssertEqual(calls, 2, "the top of the first line, then the top corner, which decides every other point")
        let (all, allCalls) = screen([10, 10]) { _ in true }
        XCTAssertEqual(all.minimal, [[0, 0]])
        XCTAssertEqual(allCalls, 2, "the top of the first line, then its bottom: the lowest corner")
    }

    // MARK: Rounds (size --shard, decision 197)

    /// The screening in rounds of `limit` points from `nextPoints`, each round's points evaluated by `rule`.
    func rounds(_ sizes: [Int], limit: Int, _ rule: ([Int]) -> Bool) -> (rounds: [[[Int]]], known: [[Int]: Bool]) {
        var known: [[Int]: Bool] = [:], rounds: [[[Int]]] = []
        while true {
            let next = CheapestSearch.nextPoints(sizes: sizes, known: known, limit: limit)
            if next.isEmpty { return (rounds, known) }
            XCTAssertLessThanOrEqual(next.count, limit)
            XCTAssertTrue(next.allSatisfy { known[$0] == nil }, "a round runs only points not known")
            for p in next { known[p] = rule(p) }
            rounds.append(next)
            if rounds.count > 1000 { XCTFail("no end"); return (rounds, known) }
        }
    }

    func testRoundsGiveTheScreeningOfOneMachineWhateverTheirSize() {
        let rules: [(sizes: [Int], rule: ([Int]) -> Bool)] = [
            ([26, 18], { $0[0] >= 10 && $0[1] >= 6 }), ([20, 20], { ($0[0] + 1) * ($0[1] + 1) >= 50 }),
            ([6, 6, 6], { $0.reduce(0, +) >= 8 }), ([10, 10], { _ in false }), ([10, 10], { _ in true }), ([1, 7], { $0[1] >= 3 })]
        for (sizes, rule) in rules {
            let (direct, _) = screen(sizes, rule)
            for limit in [1, 3, 8] {
                let (rs, known) = rounds(sizes, limit: limit, rule)
                // The screening replayed from the rounds' answers is the one-machine screening, run order included.
                let replayed = CheapestSearch.screen(sizes: sizes) { known[$0]! }
                XCTAssertEqual(replayed, direct, "\(sizes) limit \(limit)")
                if limit == 1 {
                    XCTAssertEqual(rs, direct.run.map { [$0.point] }, "one point a round: the points one machine runs, in order")
                } else {
                    XCTAssertLessThanOrEqual(rs.count, direct.run.count, "\(sizes) limit \(limit)")
                }
            }
        }
        // Three points a round halve the rounds of the staircase (each round decides two steps of the bisection).
        let rule: ([Int]) -> Bool = { ($0[0] + 1) * ($0[1] + 1) >= 50 }
        let one = rounds([20, 20], limit: 1, rule).rounds.count, three = rounds([20, 20], limit: 3, rule).rounds.count
        XCTAssertLessThanOrEqual(three, one * 2 / 3, "\(three) rounds of 3 against \(one) of 1")
    }

    func testARoundStopsAtAPointWhoseReplicationsStopped() {
        let sizes = [5, 5]
        let first = CheapestSearch.nextPoints(sizes: sizes, known: [:], limit: 1)
        XCTAssertEqual(first, [[0, 4]], "the top of the first line")
        XCTAssertEqual(CheapestSearch.nextPoints(sizes: sizes, known: [:], stops: [[0, 4]], limit: 5), [])
        // The top's two branches: feasible, its bottom [0, 0]; infeasible, the top of the last line [4, 4].
        XCTAssertEqual(CheapestSearch.nextPoints(sizes: sizes, known: [:], limit: 3), [[0, 4], [0, 0], [4, 4]])
        // A stop at [0, 0] ends that branch; the round is filled from the other one ([4, 4] feasible: its bottom).
        XCTAssertEqual(CheapestSearch.nextPoints(sizes: sizes, known: [:], stops: [[0, 0]], limit: 3), [[0, 4], [4, 4], [4, 0]])
    }

    func testBisectionOrderVisitsEveryIndexOnceEndsFirst() {
        XCTAssertEqual(CheapestSearch.bisectionOrder(1), [0])
        XCTAssertEqual(CheapestSearch.bisectionOrder(5), [0, 4, 2, 1, 3])
        for n in 1...40 { XCTAssertEqual(CheapestSearch.bisectionOrder(n).sorted(), Array(0..<n)) }
    }

    // MARK: Kim & Nelson

    /// A deterministic normal stream (Box-Muller on a 64-bit LCG), so the tests do not depend on a generator.
    struct Normal {
        var state: UInt64
        mutating func next() -> Double {
            func u() -> Double {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return (Double(state >> 11) + 0.5) / Double(1 << 53)
            }
            return (-2 * log(u())).squareRoot() * cos(2 * .pi * u())
        }
    }

    func testKNConstantMatchesTheFormulaByHand() {
        // k = 2, alpha = 0.05, n0 = 10: eta = (0.1^(-2/9) - 1) / 2 = (1.66810 - 1) / 2 = 0.334048; h^2 = 2 eta 9 = 6.01287.
        XCTAssertEqual(CheapestSearch.hSquared(k: 2, n0: 10, alpha: 0.05), 6.01287, accuracy: 1e-4)
    }

    func testKNSelectsTheSmallestMeanWhenItIsClearlyBest() {
        // Means 10, 12, 15 with sd 2 (independent noise); delta = 1: the first is best by 2 > delta.
        let means = [10.0, 12, 15]
        var noise = (0..<3).map { Normal(state: UInt64(100 + $0)) }
        var first: [[Double]] = []
        for i in 0..<3 { first.append((0..<8).map { _ in means[i] + 2 * noise[i].next() }) }
        var asked: [Int] = []
        let s = CheapestSearch.selectSmallestMean(first: first, indifference: 1, maxObservations: 1000) { i, r in
            asked.append(r)
            return means[i] + 2 * noise[i].next()
        }
        XCTAssertEqual(s.chosen, 0)
        XCTAssertEqual(s.survivors, [0])
        XCTAssertFalse(s.budgetReached)
        XCTAssertTrue(s.replications.allSatisfy { $0 >= 8 })
        XCTAssertEqual(asked.min() ?? 8, 8, "the next observation after n0 is replication n0")
    }

    func testKNWithCommonRandomNumbersSeparatesCloseCandidatesQuickly() {
        // Candidate i's observation r is 20 + 0.5 i + the same noise of sd 5 for all (perfect CRN): the pairwise
        // differences have no variance, so S2 = 0 and the first stage already eliminates all but the best.
        var noise = Normal(state: 7)
        let common = (0..<10).map { _ in 5 * noise.next() }
        let first = (0..<4).map { i in common.map { 20 + 0.5 * Double(i) + $0 } }
        let s = CheapestSearch.selectSmallestMean(first: first, indifference: 0.25, maxObservations: 100) { _, _ in
            XCTFail("no observation beyond the first stage is needed")
            return 0
        }
        XCTAssertEqual(s.chosen, 0)
        XCTAssertEqual(s.replications, [10, 10, 10, 10])
    }

    func testKNStopsAtTheBudgetWhenCandidatesAreEqual() {
        // Two candidates with the same mean: the procedure cannot separate them; at the budget it takes the
        // smaller sample mean and says so.
        var noise = (0..<2).map { Normal(state: UInt64(40 + $0)) }
        let first = (0..<2).map { i in (0..<5).map { _ in 50 + 3 * noise[i].next() } }
        let s = CheapestSearch.selectSmallestMean(first: first, indifference: 0.01, maxObservations: 30) { i, _ in
            50 + 3 * noise[i].next()
        }
        XCTAssertTrue(s.budgetReached)
        XCTAssertEqual(s.survivors.count, 2)
        XCTAssertEqual(s.replications, [30, 30])
        XCTAssertEqual(s.chosen, s.means[0] <= s.means[1] ? 0 : 1)
    }

    func testKNWithOneCandidateTakesIt() {
        let s = CheapestSearch.selectSmallestMean(first: [[1, 2, 3]], indifference: 1, maxObservations: 10) { _, _ in 0 }
        XCTAssertEqual(s.chosen, 0)
        XCTAssertEqual(s.means, [2])
    }
}
