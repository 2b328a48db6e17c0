/* Float32 uniforms from SFC64 and SplitMix64, shared by the compiled passes of lime_core and
 * lime_tabular.
 *
 * SFC64 is Chris Doty-Humphrey's Small Fast Chaotic generator, numpy.random.SFC64's algorithm
 * step for step (numpy/random/src/sfc64/sfc64.h). Each 64-bit draw gives two uniforms, its
 * low 32 bits first, each (b >> 8) * 2**-24: the values Generator.random(dtype=np.float32)
 * takes. A stream of them (lime_core.UniformStream) is one sequence: a `Uniforms` walks it a
 * value at a time, keeping the unused high half of a draw for the next value.
 */
#ifndef LIMELIGHT_UNIFORMS_H
#define LIMELIGHT_UNIFORMS_H

#include <stdint.h>

/* A float32 uniform from 32 random bits: (b >> 8) * 2**-24, as Generator.random(dtype=np.float32). */
static inline float
uniform24(uint32_t bits)
{
    return (float)(bits >> 8) * (1.0f / 16777216.0f);
}

static inline uint64_t
rotate_left(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t
sfc64_next(uint64_t *s)  /* numpy/random/src/sfc64/sfc64.h */
{
    const uint64_t tmp = s[0] + s[1] + s[3]++;
    s[0] = s[1] ^ (s[1] >> 11);
    s[1] = s[2] + (s[2] << 3);
    s[2] = rotate_left(s[2], 24) + tmp;
    return tmp;
}

/* An SFC64 state (a, b, c, counter) read a value at a time. */
typedef struct {
    uint64_t s[4];
    uint32_t high;     /* the high half of the last draw, when has_high */
    int has_high;
} Uniforms;

/* The next `count` values of the stream into out. */
static inline void
uniforms_fill(Uniforms *g, float *out, Py_ssize_t count)
{
    Py_ssize_t i = 0;
    if (count > 0 && g->has_high) {
        out[i++] = uniform24(g->high);
        g->has_high = 0;
    }
    for (; i + 1 < count; i += 2) {
        const uint64_t raw = sfc64_next(g->s);
        out[i] = uniform24((uint32_t)raw);
        out[i + 1] = uniform24((uint32_t)(raw >> 32));
    }
    if (i < count) {
        const uint64_t raw = sfc64_next(g->s);
        out[i] = uniform24((uint32_t)raw);
        g->high = (uint32_t)(raw >> 32);
        g->has_high = 1;
    }
}

/* The weyl-sequence step of SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014) and its output mix: word i of the sequence keyed by `key` is
 * splitmix64_mix(key + (i + 1) * SPLITMIX64_GAMMA), computed for any i directly. */
#define SPLITMIX64_GAMMA 0x9E3779B97F4A7C15ULL

static inline uint64_t
splitmix64_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform j (0, 1, 2, ...) of the sequence keyed by `key`: half j % 2 (low half first) of word j / 2. */
static inline float
keyed_uniform(uint64_t key, uint64_t j)
{
    const uint64_t word = splitmix64_mix(key + (j / 2 + 1) * SPLITMIX64_GAMMA);
    return uniform24(j & 1 ? (uint32_t)(word >> 32) : (uint32_t)word);
}

#endif
