/// Closed-form results of queueing theory that the simulation tests validate against.
///
/// Sources: Erlang B by its stable recursion and Erlang C from Erlang B (Kleinrock, "Queueing Systems",
/// vol. 1, 1975, §3.6-3.7; Gross & Harris, "Fundamentals of Queueing Theory", 4th ed., §2.3, §2.6);
/// Pollaczek-Khinchine (Kleinrock §5.6; Gross & Harris §5.1.1).
enum QueueingFormulas {
    /// Erlang B: the probability that an arrival to an M/G/c/c loss system finds every server busy, for
    /// offered load `a = lambda * E[S]`. Recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
    static func erlangB(servers c: Int, offeredLoad a: Double) -> Double {
        precondition(c >= 0 && a >= 0)
        var b = 1.0
        if c > 0 {
            for k in 1...c { b = a * b / (Double(k) + a * b) }
        }
        return b
    }

    /// Erlang C: the probability that an arrival to an M/M/c queue has to wait (a < c).
    /// C = c B / (c - a (1 - B)).
    static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        precondition(a < Double(c), "the queue must be stable")
        let b = erlangB(servers: c, offeredLoad: a)
        return Double(c) * b / (Double(c) - a * (1 - b))
    }

    /// Mean wait in queue of an M/M/c queue: Wq = C / (c mu - lambda).
    static func mmcMeanWait(servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double) -> Double {
        erlangC(servers: c, offeredLoad: lambda / mu) / (Double(c) * mu - lambda)
    }

    /// Mean wait in queue of an M/G/1 queue (Pollaczek-Khinchine): Wq = lambda E[S^2] / (2 (1 - rho)).
    static func pollaczekKhinchineWait(arrivalRate lambda: Double, serviceMean: Double,
                                       serviceSecondMoment: Double) -> Double {
        let rho = lambda * serviceMean
        precondition(rho < 1, "the queue must be stable")
        return lambda * serviceSecondMoment / (2 * (1 - rho))
    }
}
