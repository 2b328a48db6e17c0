/* Float32 uniforms from SFC64, shared by the compiled passes of lime_core and lime_tabular.
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

/* Skip the next `count` values of the stream. */
static inline void
uniforms_skip(Uniforms *g, Py_ssize_t count)
{
    if (count > 0 && g->has_high) {
        g->has_high = 0;
        count--;
    }
    for (; count > 1; count -= 2) sfc64_next(g->s);
    if (count == 1) {
        g->high = (uint32_t)(sfc64_next(g->s) >> 32);
        g->has_high = 1;
    }
}

#endif
