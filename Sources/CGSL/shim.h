// Shim over the GNU Scientific Library for Swift.
//
// Swift 6 rejects C globals such as `gsl_rng_mt19937` as shared mutable state, so each generator type is
// returned from a `static inline` function instead. Only the Stochastics module imports this.
#ifndef FLOWSIM_CGSL_SHIM_H
#define FLOWSIM_CGSL_SHIM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_exp.h>
#include <math.h>
#include "ziggurat.h"

static inline const gsl_rng_type *flowsim_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *flowsim_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *flowsim_rng_gfsr4(void) { return gsl_rng_gfsr4; }

/// A generator with its state in the same allocation, on a 64-byte boundary: the `gsl_rng` (type and state
/// pointer, 16 bytes) and then the state, so a small-state generator (taus2: 24 bytes) is one cache line and a
/// draw from a cold stream misses once, not twice (`gsl_rng_alloc` mallocs the two apart). The state is left
/// for the caller to set: every `flowsim_*_set_state` below writes all of it, so seeding it first with
/// `gsl_rng_set`, as `gsl_rng_alloc` does, would be work thrown away. Freed with `flowsim_rng_free_packed` only,
/// never `gsl_rng_free` (decision 209). NULL when out of memory.
static inline gsl_rng *flowsim_rng_alloc_packed(const gsl_rng_type *T) {
    size_t head = (sizeof(gsl_rng) + 15) & ~(size_t)15;
    void *block = NULL;
    if (posix_memalign(&block, 64, head + T->size) != 0) return NULL;
    gsl_rng *r = (gsl_rng *)block;
    r->type = T;
    r->state = (char *)block + head;
    return r;
}

static inline void flowsim_rng_free_packed(gsl_rng *r) { free(r); }

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

/// 32 random bits: taus2's output inline, any other generator's through its function pointer. Every generator
/// flowsim offers (`GeneratorKind`) gives 32 bits (min 0, max 2^32 - 1; `InlineDrawTests` checks it).
static inline uint32_t flowsim_bits32(const gsl_rng *r) {
    if (r->type == gsl_rng_taus2) return (uint32_t)flowsim_taus2_next(r->state);
    return (uint32_t)(r->type->get)(r->state);
}

/// The ziggurat's wedge test for a point at x in layer i (0 < i) of a sampler whose f values at the layers'
/// edges are `f` and whose density there is `fx`: a uniform height between the layer's bottom and top is under
/// the curve (Marsaglia & Tsang 2000). One more uniform from `r`.
static inline int flowsim_ziggurat_under_curve(const gsl_rng *r, const double *f, uint32_t i, double fx) {
    return f[i] + flowsim_uniform(r) * (f[i - 1] - f[i]) < fx;
}

/// The ziggurat normal's rare steps for a draw `bits` outside its layer's rectangle: the tail beyond r (Marsaglia
/// 1964) or a wedge test with one more uniform (and `exp`); a rejected wedge draws again. Kept out of line so
/// the callers' code stays small (decision 203).
__attribute__((noinline)) static double flowsim_normal_rare(const gsl_rng *r, uint32_t bits) {
    for (;;) {
        uint32_t i = bits & 0x7F, j = bits >> 8;
        int positive = (bits & 0x80) != 0;
        double x = j * flowsim_ziggurat_w[i];
        if (j < flowsim_ziggurat_k[i]) return positive ? x : -x;
        if (i == 0) {
            /* The tail beyond r: x = r + a with a exponential of rate r, kept with probability exp(-a^2/2). */
            double a, b;
            do {
                a = -log(flowsim_uniform_pos(r)) / FLOWSIM_ZIGGURAT_R;
                b = -log(flowsim_uniform_pos(r));
            } while (b + b < a * a);
            x = FLOWSIM_ZIGGURAT_R + a;
            return positive ? x : -x;
        }
        if (flowsim_ziggurat_under_curve(r, flowsim_ziggurat_f, i, exp(-0.5 * x * x))) return positive ? x : -x;
        bits = flowsim_bits32(r);
    }
}

/// One standard normal draw by the ziggurat method (Marsaglia & Tsang 2000, J. Stat. Software 5(8); decision
/// 203): one 32-bit draw picks the layer (7 bits), the sign (1 bit) and the magnitude (24 bits, so layer and value
/// use different bits, Doornik 2005's point), and ~98.8% of draws end there, inline, with no log, square root or
/// division; the rest go to `flowsim_normal_rare`. Tables in ziggurat.h.
static inline double flowsim_normal(const gsl_rng *r) {
    uint32_t bits = flowsim_bits32(r);
    uint32_t i = bits & 0x7F, j = bits >> 8;
    if (__builtin_expect(j < flowsim_ziggurat_k[i], 1)) {
        double x = j * flowsim_ziggurat_w[i];
        return (bits & 0x80) ? x : -x;
    }
    return flowsim_normal_rare(r, bits);
}

/// The ziggurat exponential's rare steps for a draw `bits` outside its layer's rectangle: the tail beyond r, by
/// memorylessness r plus a fresh exponential by inversion, or a wedge test with one more uniform (and `exp`); a
/// rejected wedge draws again.
__attribute__((noinline)) static double flowsim_exponential_rare(const gsl_rng *r, uint32_t bits) {
    for (;;) {
        uint32_t i = bits & 0xFF, j = bits >> 8;
        double x = j * flowsim_ziggurat_we[i];
        if (j < flowsim_ziggurat_ke[i]) return x;
        if (i == 0) return FLOWSIM_ZIGGURAT_RE - log(flowsim_uniform_pos(r));
        if (flowsim_ziggurat_under_curve(r, flowsim_ziggurat_fe, i, exp(-x))) return x;
        bits = flowsim_bits32(r);
    }
}

/// One exponential draw of mean 1 by the ziggurat method (Marsaglia & Tsang 2000, as `flowsim_normal`; decision
/// 203): 8 bits pick the layer, 24 the magnitude; ~98.9% of draws end there, inline, with no log; the rest go to
/// `flowsim_exponential_rare`.
static inline double flowsim_exponential(const gsl_rng *r) {
    uint32_t bits = flowsim_bits32(r);
    uint32_t i = bits & 0xFF, j = bits >> 8;
    if (__builtin_expect(j < flowsim_ziggurat_ke[i], 1)) return j * flowsim_ziggurat_we[i];
    return flowsim_exponential_rare(r, bits);
}

/// One lognormal draw: exp(zeta + sigma x Z) with Z from `flowsim_normal` (decision 203; GSL's
/// `gsl_ran_lognormal` draws Z by the polar Box-Muller method, two uniforms, a log and a square root a draw).
static inline double flowsim_lognormal(const gsl_rng *r, double zeta, double sigma) {
    return exp(sigma * flowsim_normal(r) + zeta);
}

/// Gamma function (tgamma from libm; GSL's gsl_sf_gamma reports errors through the handler).
static inline double gsl_sf_gamma_portable(double x) { return tgamma(x); }
static inline double gsl_sf_exp_portable(double x) { return exp(x); }

#endif
