// Shim over the GNU Scientific Library for Swift.
//
// Swift 6 rejects C globals such as `gsl_rng_mt19937` as shared mutable state, so each generator type is
// returned from a `static inline` function instead. Only the Stochastics module imports this.
#ifndef FLOWSIM_CGSL_SHIM_H
#define FLOWSIM_CGSL_SHIM_H

#include <stdint.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_exp.h>
#include <math.h>

static inline const gsl_rng_type *flowsim_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *flowsim_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *flowsim_rng_gfsr4(void) { return gsl_rng_gfsr4; }

/// Turns GSL's default error handler (which aborts the process) off; errors come back as return codes.
static inline void flowsim_gsl_quiet(void) { gsl_set_error_handler_off(); }

/// Seeds an mt19937 generator from 624 32-bit words, the generator's whole state.
///
/// `gsl_rng_set` uses only the low 32 bits of its seed for mt19937, so two of the many (seed, replication,
/// stream) keys would collide with probability ~ n^2 / 2^33. Filling the whole state from SplitMix64 output
/// removes that. The state layout is GSL's `mt_state_t` (rng/mt.c): `unsigned long mt[624]; int mti;`.
/// Returns 0 on success, -1 if `r` is not an mt19937 generator.
static inline int flowsim_mt19937_set_state(gsl_rng *r, const uint32_t *words) {
    if (r->type != gsl_rng_mt19937) return -1;
    typedef struct { unsigned long mt[624]; int mti; } flowsim_mt_state;
    if (r->type->size != sizeof(flowsim_mt_state)) return -1;
    flowsim_mt_state *s = (flowsim_mt_state *)r->state;
    int nonzero = 0;
    for (int i = 0; i < 624; i++) { s->mt[i] = words[i]; nonzero |= (words[i] != 0); }
    if (!nonzero) s->mt[0] = 0x80000000UL;  /* an all-zero state would repeat zeros forever */
    s->mti = 624;                          /* regenerate the block on the first draw */
    return 0;
}

/// Seeds a taus2 generator over its whole state (three 32-bit words; GSL's `taus_state_t` in rng/taus.c).
///
/// Each component must exceed 1, 7 and 15 respectively (L'Ecuyer 1996); like `taus_set`, the generator is
/// then run six times to warm up. Returns 0 on success, -1 if `r` is not taus2.
static inline int flowsim_taus2_set_state(gsl_rng *r, const uint32_t *words) {
    if (r->type != gsl_rng_taus2) return -1;
    typedef struct { unsigned long int s1, s2, s3; } flowsim_taus_state;
    if (r->type->size != sizeof(flowsim_taus_state)) return -1;
    flowsim_taus_state *s = (flowsim_taus_state *)r->state;
    s->s1 = words[0] < 2 ? words[0] + 2 : words[0];
    s->s2 = words[1] < 8 ? words[1] + 8 : words[1];
    s->s3 = words[2] < 16 ? words[2] + 16 : words[2];
    for (int i = 0; i < 6; i++) (void)(r->type->get)(r->state);
    return 0;
}

/// Seeds a gfsr4 generator over its whole state (16384 32-bit words; GSL's `gfsr4_state_t` in rng/gfsr4.c),
/// then applies GSL's own orthogonalisation, which makes 32 of the words linearly independent so the
/// generator has full period. Returns 0 on success, -1 if `r` is not gfsr4.
static inline int flowsim_gfsr4_set_state(gsl_rng *r, const uint32_t *words) {
    if (r->type != gsl_rng_gfsr4) return -1;
    typedef struct { int nd; unsigned long ra[16384]; } flowsim_gfsr4_state;
    if (r->type->size != sizeof(flowsim_gfsr4_state)) return -1;
    flowsim_gfsr4_state *s = (flowsim_gfsr4_state *)r->state;
    for (int i = 0; i < 16384; i++) s->ra[i] = words[i];
    unsigned long msb = 0x80000000UL, mask = 0xffffffffUL;
    for (int i = 0; i < 32; ++i) {
        int k = 7 + i * 3;
        s->ra[k] &= mask;
        s->ra[k] |= msb;
        mask >>= 1;
        msb >>= 1;
    }
    s->nd = 32;
    return 0;
}

/// taus2's next output, inline: GSL's `taus_get` (rng/taus.c, L'Ecuyer 1996), the same arithmetic on the same
/// state, so a stream gives the same numbers as through GSL's function pointer (the tests compare them).
static inline unsigned long flowsim_taus2_next(void *vstate) {
    typedef struct { unsigned long int s1, s2, s3; } flowsim_taus_state;
    flowsim_taus_state *s = (flowsim_taus_state *)vstate;
    const unsigned long mask = 0xffffffffUL;
    s->s1 = (((s->s1 & 4294967294UL) << 12) & mask) ^ ((((s->s1 << 13) & mask) ^ s->s1) >> 19);
    s->s2 = (((s->s2 & 4294967288UL) << 4) & mask) ^ ((((s->s2 << 2) & mask) ^ s->s2) >> 25);
    s->s3 = (((s->s3 & 4294967280UL) << 17) & mask) ^ ((((s->s3 << 3) & mask) ^ s->s3) >> 11);
    return s->s1 ^ s->s2 ^ s->s3;
}

/// One uniform draw on [0, 1), as `gsl_rng_uniform` gives it: taus2 inline (`taus_get_double` divides by 2^32),
/// any other generator through its function pointer, without the extra call through `gsl_rng_uniform`.
static inline double flowsim_uniform(const gsl_rng *r) {
    if (r->type == gsl_rng_taus2) return flowsim_taus2_next(r->state) / 4294967296.0;
    return (r->type->get_double)(r->state);
}

/// One uniform draw on (0, 1).
static inline double flowsim_uniform_pos(const gsl_rng *r) {
    double x;
    do { x = flowsim_uniform(r); } while (x == 0);
    return x;
}

/// One draw from a Walker alias table, as `gsl_ran_discrete` makes it (randist/discrete.c, Knuth's convention:
/// one uniform picks the column and decides between it and its alias), inline.
static inline size_t flowsim_discrete(const gsl_rng *r, const gsl_ran_discrete_t *g) {
    double u = flowsim_uniform(r);
    size_t c = (size_t)(u * g->K);
    double f = g->F[c];
    if (f == 1.0 || u < f) return c;
    return g->A[c];
}

/// One lognormal draw, as `gsl_ran_lognormal` makes it (randist/lognormal.c: the polar Box-Muller method, then
/// exp), with the uniforms drawn inline (`flowsim_uniform`): the same arithmetic on the same uniforms, so the
/// same numbers (the tests compare them), without two calls through the generator's function pointer a draw.
static inline double flowsim_lognormal(const gsl_rng *r, double zeta, double sigma) {
    double u, v, r2;
    do {
        u = -1 + 2 * flowsim_uniform(r);
        v = -1 + 2 * flowsim_uniform(r);
        r2 = u * u + v * v;
    } while (r2 > 1.0 || r2 == 0);
    double normal = u * sqrt(-2.0 * log(r2) / r2);
    return exp(sigma * normal + zeta);
}

/// Gamma function (tgamma from libm; GSL's gsl_sf_gamma reports errors through the handler).
static inline double gsl_sf_gamma_portable(double x) { return tgamma(x); }
static inline double gsl_sf_exp_portable(double x) { return exp(x); }

#endif
