import CGSL

/// A weighted choice among a fixed list of values in O(1) per draw, by Walker's alias method
/// (Walker 1977; GSL `gsl_ran_discrete_preproc`).
///
/// Immutable and shared: the lookup table is built once and only read while sampling.
public final class EmpiricalChoice<Value>: @unchecked Sendable {
    public let values: [Value]
    /// Weights normalised to sum to 1.
    public let probabilities: [Double]
    @usableFromInline let table: UnsafeMutablePointer<gsl_ran_discrete_t>

    /// Fails (returns nil) if there are no values, a weight is negative or not finite, or all are zero.
    public init?(values: [Value], weights: [Double]) {
        guard !values.isEmpty, values.count == weights.count,
              weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let total = weights.reduce(0, +)
        guard total > 0, total.isFinite else { return nil }
        flowsim_gsl_quiet()
        guard let t = weights.withUnsafeBufferPointer({ gsl_ran_discrete_preproc(values.count, $0.baseAddress) })
        else { return nil }
        self.values = values
        self.probabilities = weights.map { $0 / total }
        self.table = t
    }

    deinit { gsl_ran_discrete_free(table) }

    /// The index of one draw (the alias-table lookup inline, as `gsl_ran_discrete` makes it).
    /// - Complexity: O(1).
    @inlinable public func sampleIndex(_ stream: RandomStream) -> Int { sampleIndex(stream.source) }

    /// The index of one draw from a stream's generator (the same draw as from the stream).
    /// - Complexity: O(1).
    @inlinable public func sampleIndex(_ stream: RandomSource) -> Int {
        Int(flowsim_discrete(stream.rng, table))
    }

    /// The index of one draw through GSL's own `gsl_ran_discrete`: what `sampleIndex` must equal.
    func sampleIndexThroughGSL(_ stream: RandomStream) -> Int { Int(gsl_ran_discrete(stream.rng, table)) }

    /// One draw.
    /// - Complexity: O(1).
    public func sample(_ stream: RandomStream) -> Value { values[sampleIndex(stream)] }

    /// One draw from a stream's generator.
    /// - Complexity: O(1).
    @inlinable public func sample(_ stream: RandomSource) -> Value { values[sampleIndex(stream)] }
}

extension EmpiricalChoice where Value == Double {
    public var mean: Double { zip(values, probabilities).reduce(0) { $0 + $1.0 * $1.1 } }
    public var variance: Double {
        let m = mean
        return zip(values, probabilities).reduce(0) { $0 + $1.1 * ($1.0 - m) * ($1.0 - m) }
    }
}

extension EmpiricalChoice: Equatable where Value: Equatable {
    public static func == (a: EmpiricalChoice, b: EmpiricalChoice) -> Bool {
        a === b || (a.values == b.values && a.probabilities == b.probabilities)
    }
}

/// A table of choices of integers (a `Keyed<EmpiricalChoice<Int>>` in the model), flattened: for each slot a head
/// (the number of columns `K` and a pointer to its cells) and, for each column, a cell with the alias table's
/// cut-off `F`, the column's value and its alias's value, all in one allocation. A draw is `gsl_ran_discrete`'s as
/// `flowsim_discrete` makes it (one uniform `u`, column `c = (size_t)(u * K)`, the column if `F[c] == 1` or
/// `u < F[c]`, else its alias), with the same arithmetic, then the value: the same draws as the choices give.
/// It reads two small records where the choice objects take six dependent loads (decision 207). Owned by whoever
/// makes it, which calls `deallocate()` once.
public struct FlatChoices: @unchecked Sendable {
    /// A slot's choice: its number of columns `K` and its cells.
    public struct Head {
        @usableFromInline var columns: Double
        @usableFromInline var cells: UnsafeMutablePointer<Cell>
    }
    @usableFromInline struct Cell {
        @usableFromInline var cutoff: Double
        @usableFromInline var value: Int32
        @usableFromInline var alias: Int32
    }

    @usableFromInline let heads: UnsafeMutablePointer<Head>

    /// The values must fit in 32 bits (the model's are attribute levels and unit indices).
    public init(_ choices: [EmpiricalChoice<Int>]) {
        precondition(choices.allSatisfy { c in c.values.allSatisfy { Int32(exactly: $0) != nil } },
                     "a flattened choice holds 32-bit values")
        let total = choices.reduce(0) { $0 + $1.table.pointee.K }
        // One allocation: the heads, then the cells (both 16 bytes, so the cells stay aligned).
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(choices.count + total, 1) * 16, alignment: 16)
        heads = raw.bindMemory(to: Head.self, capacity: choices.count)
        let cells = (raw + choices.count * 16).bindMemory(to: Cell.self, capacity: total)
        var start = 0
        for (i, choice) in choices.enumerated() {
            let t = choice.table.pointee
            (heads + i).initialize(to: Head(columns: Double(t.K), cells: cells + start))
            for c in 0..<t.K {
                (cells + start + c).initialize(to: Cell(cutoff: t.F[c], value: Int32(choice.values[c]),
                                                        alias: Int32(choice.values[t.A[c]])))
            }
            start += t.K
        }
    }

    public func deallocate() { UnsafeMutableRawPointer(heads).deallocate() }

    /// The choice in slot `k`. A caller reads it before drawing the uniform, so nothing of the table that holds
    /// this buffer is needed across the generator call (and that table is not retained for it).
    @inlinable @inline(__always) public func head(_ k: Int) -> Head { heads[k] }

    /// The draw from choice `h` that uniform `u` (from `flowsim_uniform`) makes.
    @inlinable @inline(__always) public static func pick(_ h: Head, _ u: Double) -> Int {
        let cell = h.cells[Int(u * h.columns)]
        return Int(cell.cutoff == 1.0 || u < cell.cutoff ? cell.value : cell.alias)
    }
}
