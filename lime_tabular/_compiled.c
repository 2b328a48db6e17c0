/* The two per-value passes of lime_tabular's sampling, compiled (lime_tabular/_representation.py).
 *
 * Each does the arithmetic of its NumPy twin in the same order, so both give the same bits:
 *
 * - within_bin_values (NumPy twin: _evaluate_table): the piecewise cubic inverse-CDF table of
 *   each draw's bin. t32 = u * G in float32 (exact, G a power of two), segment
 *   k = min(floor(t32), G - 1), t = t32 - k in float64, then Horner's rule c3 t + c2, * t, + c1,
 *   * t, + c0, each step rounded to float64 (compiled with -ffp-contract=off: no fused
 *   multiply-add). A split segment (row (NaN, first, *, *)) hands the draw to its finer
 *   sub-segment j = min(floor(t * SUB), SUB - 1), row first + j of the fine table, at
 *   t = t * SUB - j (both exact in float64).
 *   Values on segments flagged NaN in the table (the steepest end of a bin's tail) come out
 *   NaN; their flat indices go to `exact_index` (up to its capacity) to be computed exactly.
 *   Four columns at a time; with AVX2 (chosen at import), a row's four values together.
 * - draw_states (NumPy twin: TableModel.draw_states and the z' of TabularRepresentation.sample):
 *   state = the number of a feature's cumulative-frequency thresholds at or below u (float32
 *   comparisons), z' = (state == the row's state), and per row the count of such features.
 *   With AVX2, eight features at a time.
 *
 * Only the buffer protocol is used: no NumPy headers are needed to build it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "../lime_core/_uniforms.h"

/* Segments per bin and sub-segments per split segment (lime_tabular._fit's INVERSE_CDF_SEGMENTS
 * and INVERSE_CDF_SUBSEGMENTS; within_bin_values refuses other values): constants, so that
 * u * SEGMENTS and the segment arithmetic compile to exact multiplications and shifts. */
#define SEGMENTS 256
#define SUBSEGMENTS 16

/* A read hint (no effect on any value); a no-op where the compiler has none. */
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)(address))
#endif

/* Horner's rule for c3 t^3 + c2 t^2 + c1 t + c0, each step rounded (no fused multiply-add). */
static inline double
horner(const double *q, double t)
{
    double v = q[3] * t;
    v = v + q[2];
    v = v * t;
    v = v + q[1];
    v = v * t;
    return v + q[0];
}

/* The table's value at uniform u in the bin whose first segment is `base`; NaN for a draw to
 * compute exactly. Sets *bad (and returns 0) when a row falls outside the table. */
static inline double
table_value(const double *table, Py_ssize_t table_segments, const double *fine, Py_ssize_t fine_segments,
            Py_ssize_t base, float u, int *bad)
{
    const float t32 = u * (float)SEGMENTS;
    Py_ssize_t k = (Py_ssize_t)t32;
    if (k > SEGMENTS - 1) k = SEGMENTS - 1;
    const double t = (double)t32 - (double)k;
    const Py_ssize_t s = base + k;
    if (s < 0 || s >= table_segments) {
        *bad = 1;
        return 0.0;
    }
    const double *q = table + 4 * s;
    double v = horner(q, t);
    if (v != v && q[1] == q[1]) { /* rare: a split segment (NaN, first, ...): its finer sub-segment */
        const double ts = t * (double)SUBSEGMENTS;
        Py_ssize_t j = (Py_ssize_t)ts;
        if (j > SUBSEGMENTS - 1) j = SUBSEGMENTS - 1;
        const Py_ssize_t s2 = (Py_ssize_t)q[1] + j;
        if (s2 < 0 || s2 >= fine_segments) {
            *bad = 1;
            return 0.0;
        }
        v = horner(fine + 4 * s2, ts - (double)j);
    }
    return v;
}

/* One part of a within_bin_values call: a neighbourhood's (or its hold-out rows') draws. */
typedef struct {
    Py_buffer bins, u, out, exact_index, exact_u;
    Py_ssize_t rows, exact;
    int keyed;       /* u is (key, first row): the uniforms are computed from the key (keyed_uniform) */
    uint64_t key;
    Py_ssize_t first_row;  /* keyed: the draws' row of the part's row 0 */
} Part;

/* within_bin_values runs through the draws four columns at a time (a block), every part's rows
 * of them, so the part of the table it reads at a time is four columns' (each its bins x
 * segments x 32 bytes, about 40 KB for lime's quartiles with the split segments: the block's
 * stays in the L2 cache) instead of the whole table, which outgrows the L2 cache at about 30
 * columns and costs a cache miss per value. Parts share the block's pass, so a small part (the
 * hold-out rows) does not load the table again; while it works on a block the pass prefetches
 * the next block's rows of the table, a cache line per row of draws. On a processor with AVX2 a
 * row's four values of a block are computed together: one load of four uniforms (row-major
 * uniforms, as sample() draws them), four loads of table rows transposed into the four
 * coefficients, Horner's rule on four doubles, one store; lanes that come out NaN (a split
 * segment, or a draw to compute exactly) are redone one by one. Every value is the same
 * IEEE arithmetic either way (no fused multiply-add), so the bits do not depend on the path. */
#define BLOCK 4

/* The next block's table rows, a cache line at a time (no effect on any value). */
typedef struct {
    const char *start[2 * BLOCK];
    Py_ssize_t lines[2 * BLOCK];
    int ranges, range;
    Py_ssize_t line;
} Ahead;

static void
ahead_of_block(Ahead *ahead, Py_ssize_t c0, Py_ssize_t columns, const int64_t *prefetch_rows,
               Py_ssize_t prefetch_columns, const double *table, Py_ssize_t table_segments, const double *fine,
               Py_ssize_t fine_segments)
{
    ahead->ranges = ahead->range = 0;
    ahead->line = 0;
    for (Py_ssize_t c = c0; c < c0 + BLOCK && c < columns && c < prefetch_columns; c++) {
        const int64_t *rows = prefetch_rows + 4 * c;
        for (int h = 0; h < 2; h++) {
            const double *rows_of = h ? fine : table;
            if (rows[2 * h] >= 0 && rows[2 * h] < rows[2 * h + 1]
                && rows[2 * h + 1] <= (h ? fine_segments : table_segments)) {
                ahead->start[ahead->ranges] = (const char *)(rows_of + 4 * rows[2 * h]);
                ahead->lines[ahead->ranges++] = (rows[2 * h + 1] - rows[2 * h]) / 2;  /* 32-byte rows */
            }
        }
    }
}

static inline void
ahead_step(Ahead *ahead)
{
    if (ahead->range < ahead->ranges) {
        PREFETCH(ahead->start[ahead->range] + 64 * ahead->line);
        if (++ahead->line >= ahead->lines[ahead->range]) {
            ahead->range++;
            ahead->line = 0;
        }
    }
}

/* One value: store it, and note it (and its uniform) for the exact path when it is NaN. */
static inline void
store_value(double v, float u, double *out, Py_ssize_t index, int64_t *exact_index, float *exact_u,
            Py_ssize_t exact_capacity, Py_ssize_t *exact)
{
    out[index] = v;
    if (v != v) {
        if (*exact < exact_capacity) {
            exact_index[*exact] = (int64_t)index;
            exact_u[*exact] = u;
        }
        (*exact)++;
    }
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define HAVE_AVX2_PASS 1
static int use_avx2 = 0;  /* set at import where the processor has AVX2 */

static inline __m128i __attribute__((target("avx2")))
load_bins_int8(const int8_t *b)
{
    int32_t four;
    memcpy(&four, b, 4);
    return _mm_cvtepi8_epi32(_mm_cvtsi32_si128(four));
}

static inline __m128i __attribute__((target("avx2")))
load_bins_int16(const int16_t *b)
{
    return _mm_cvtepi16_epi32(_mm_loadl_epi64((const __m128i *)b));
}

static inline __m128i __attribute__((target("avx2")))
load_bins_int32(const int32_t *b)
{
    return _mm_loadu_si128((const __m128i *)b);
}

/* Rows [0, rows) of the block of columns [c0, c0 + 4) of one part; -1 when a bin points
 * outside the table. The uniforms are computed from the keyed part's key or, when it is NULL,
 * read from u (rows of unit column stride). Needs table_segments < 2**31. */
#define DEFINE_AVX2_BLOCK(NAME, BIN_TYPE, LOAD_BINS)                                                  \
    static int __attribute__((target("avx2")))                                                        \
    NAME(const BIN_TYPE *bins, const char *u, Py_ssize_t u_row_stride, const Part *keyed, double *out,  \
         Py_ssize_t rows, Py_ssize_t columns, Py_ssize_t c0, const int64_t *first_segment,               \
         const double *table, Py_ssize_t table_segments, const double *fine, Py_ssize_t fine_segments,    \
         int64_t *exact_index, float *exact_u, Py_ssize_t exact_capacity, Py_ssize_t *exact, Ahead *ahead) \
    {                                                                                                   \
        float drawn[BLOCK];  /* the row's four uniforms, when they are computed here (two words a row) */ \
        const uint64_t key = keyed ? keyed->key : 0;                                                    \
        const Py_ssize_t stride = columns + (columns & 1);  /* uniforms a row: whole words */           \
        const __m128 step = _mm_set1_ps(1.0f / 16777216.0f);                                            \
        const __m128 scale = _mm_set1_ps((float)SEGMENTS);                                              \
        const __m128i top = _mm_set1_epi32(SEGMENTS - 1), limit = _mm_set1_epi32((int)table_segments); \
        const __m128i first = _mm_set_epi32((int)first_segment[c0 + 3], (int)first_segment[c0 + 2],       \
                                            (int)first_segment[c0 + 1], (int)first_segment[c0]);         \
        int bad = 0;                                                                                    \
        for (Py_ssize_t r = 0; r < rows; r++) {                                                         \
            ahead_step(ahead);                                                                          \
            const Py_ssize_t at = r * columns + c0;                                                     \
            const float *ur = keyed ? drawn : (const float *)(u + r * u_row_stride) + c0;              \
            if (keyed) { /* words w, w + 1 of the keyed sequence; (bits >> 8) * 2**-24 of their halves */ \
                const uint64_t w = (uint64_t)((keyed->first_row + r) * stride + c0) / 2;               \
                const uint64_t first_word = splitmix64_mix(key + (w + 1) * SPLITMIX64_GAMMA);           \
                const uint64_t second_word = splitmix64_mix(key + (w + 2) * SPLITMIX64_GAMMA);          \
                const __m128i bits = _mm_srli_epi32(_mm_set_epi64x((long long)second_word,              \
                                                                   (long long)first_word), 8);          \
                _mm_storeu_ps(drawn, _mm_mul_ps(_mm_cvtepi32_ps(bits), step));                           \
            }                                                                                           \
            const __m128 t32 = _mm_mul_ps(_mm_loadu_ps(ur), scale); /* exact: SEGMENTS is 2**8 */       \
            const __m128i k = _mm_min_epi32(_mm_cvttps_epi32(t32), top);                                \
            const __m256d t = _mm256_sub_pd(_mm256_cvtps_pd(t32), _mm256_cvtepi32_pd(k));                \
            const __m128i s = _mm_add_epi32(_mm_add_epi32(_mm_slli_epi32(LOAD_BINS(bins + at), 8), first), k); \
            const __m128i inside = _mm_andnot_si128(_mm_cmpgt_epi32(_mm_setzero_si128(), s),            \
                                                    _mm_cmpgt_epi32(limit, s));                          \
            if (_mm_movemask_epi8(inside) != 0xFFFF) return -1;                                         \
            const __m256d q0 = _mm256_loadu_pd(table + 4 * (Py_ssize_t)_mm_extract_epi32(s, 0));          \
            const __m256d q1 = _mm256_loadu_pd(table + 4 * (Py_ssize_t)_mm_extract_epi32(s, 1));          \
            const __m256d q2 = _mm256_loadu_pd(table + 4 * (Py_ssize_t)_mm_extract_epi32(s, 2));          \
            const __m256d q3 = _mm256_loadu_pd(table + 4 * (Py_ssize_t)_mm_extract_epi32(s, 3));          \
            const __m256d a0 = _mm256_unpacklo_pd(q0, q1), a1 = _mm256_unpackhi_pd(q0, q1);            \
            const __m256d a2 = _mm256_unpacklo_pd(q2, q3), a3 = _mm256_unpackhi_pd(q2, q3);            \
            __m256d v = _mm256_mul_pd(_mm256_permute2f128_pd(a1, a3, 0x31), t);  /* c3 t */              \
            v = _mm256_add_pd(v, _mm256_permute2f128_pd(a0, a2, 0x31));          /* + c2 */              \
            v = _mm256_mul_pd(v, t);                                                                    \
            v = _mm256_add_pd(v, _mm256_permute2f128_pd(a1, a3, 0x20));          /* + c1 */              \
            v = _mm256_mul_pd(v, t);                                                                    \
            v = _mm256_add_pd(v, _mm256_permute2f128_pd(a0, a2, 0x20));          /* + c0 */              \
            _mm256_storeu_pd(out + at, v);                                                              \
            if (_mm256_movemask_pd(_mm256_cmp_pd(v, v, _CMP_UNORD_Q))) { /* rare: redo the NaN lanes */ \
                for (Py_ssize_t l = 0; l < BLOCK; l++) {                                                \
                    if (out[at + l] == out[at + l]) continue;                                           \
                    const double one = table_value(table, table_segments, fine, fine_segments,           \
                                                   first_segment[c0 + l] + (Py_ssize_t)bins[at + l] * SEGMENTS, \
                                                   ur[l], &bad);                                        \
                    store_value(one, ur[l], out, at + l, exact_index, exact_u, exact_capacity, exact);  \
                }                                                                                       \
                if (bad) return -1;                                                                     \
            }                                                                                           \
        }                                                                                               \
        return 0;                                                                                       \
    }

DEFINE_AVX2_BLOCK(avx2_block_int8, int8_t, load_bins_int8)
DEFINE_AVX2_BLOCK(avx2_block_int16, int16_t, load_bins_int16)
DEFINE_AVX2_BLOCK(avx2_block_int32, int32_t, load_bins_int32)
#define AVX2_BLOCK(SUFFIX) avx2_block_##SUFFIX

/* draw_states eight features at a time: per feature, the count of thresholds at or below u (one
 * compare per threshold and lane), packed to int8 with z' and counted; the last chunk of a row
 * loads only its own lanes (and stores eight bytes where they stay inside the buffers: the next
 * rows' bytes are written again in their turn). `padded_row` holds the row's states padded to
 * whole chunks. */
static void __attribute__((target("avx2")))
states_avx2(const float *uu, const float *thr, const int8_t *padded_row, int8_t *st, int8_t *sm, int64_t *sc,
            Py_ssize_t rows, Py_ssize_t features, Py_ssize_t width)
{
    const Py_ssize_t chunks = (features + 7) / 8, tail = features - 8 * (chunks - 1);
    int32_t lane_mask[8];
    for (int l = 0; l < 8; l++) lane_mask[l] = l < tail ? -1 : 0;
    const __m256i tail_lanes = _mm256_loadu_si256((const __m256i *)lane_mask);
    const int tail_bits = (1 << tail) - 1;
    const __m128i one = _mm_set1_epi8(1);
    for (Py_ssize_t r = 0; r < rows; r++) {
        const float *ur = uu + r * features;
        int8_t *sr = st + r * features, *mr = sm + r * features;
        int hits = 0;
        for (Py_ssize_t chunk = 0; chunk < chunks; chunk++) {
            const Py_ssize_t c = 8 * chunk;
            const int partial = chunk == chunks - 1 && tail < 8;
            const __m256 u8 = partial ? _mm256_maskload_ps(ur + c, tail_lanes) : _mm256_loadu_ps(ur + c);
            __m256i below = _mm256_setzero_si256();
            for (Py_ssize_t k = 0; k < width; k++) {
                const float *tk = thr + k * features + c;
                const __m256 t8 = partial ? _mm256_maskload_ps(tk, tail_lanes) : _mm256_loadu_ps(tk);
                below = _mm256_sub_epi32(below, _mm256_castps_si256(_mm256_cmp_ps(u8, t8, _CMP_GE_OQ)));
            }
            const __m256i row8 = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(padded_row + c)));
            const __m256i same8 = _mm256_cmpeq_epi32(below, row8);
            const __m128i states16 = _mm_packs_epi32(_mm256_castsi256_si128(below), _mm256_extracti128_si256(below, 1));
            const __m128i same16 = _mm_packs_epi32(_mm256_castsi256_si128(same8), _mm256_extracti128_si256(same8, 1));
            const __m128i states_bytes = _mm_packs_epi16(states16, states16);
            const __m128i same_bytes = _mm_and_si128(_mm_packs_epi16(same16, same16), one);
            const int same_bits = _mm256_movemask_ps(_mm256_castsi256_ps(same8));
            if (partial && (r * features + c + 8 > rows * features)) {  /* near the end: only its own bytes */
                int8_t bytes[16];
                _mm_storeu_si128((__m128i *)bytes, states_bytes);
                memcpy(sr + c, bytes, (size_t)tail);
                _mm_storeu_si128((__m128i *)bytes, same_bytes);
                memcpy(mr + c, bytes, (size_t)tail);
                hits += __builtin_popcount(same_bits & tail_bits);
            } else if (partial) {  /* 8 bytes: the next row's first ones are written again when its turn comes */
                _mm_storel_epi64((__m128i *)(sr + c), states_bytes);
                _mm_storel_epi64((__m128i *)(mr + c), same_bytes);
                hits += __builtin_popcount(same_bits & tail_bits);
            } else {
                _mm_storel_epi64((__m128i *)(sr + c), states_bytes);
                _mm_storel_epi64((__m128i *)(mr + c), same_bytes);
                hits += __builtin_popcount(same_bits);
            }
        }
        sc[r] = hits;
    }
}
#endif

#define DEFINE_EVALUATE(NAME, BIN_TYPE, SUFFIX)                                                          \
    static int NAME(Part *parts, Py_ssize_t n_parts, const int64_t *first_segment, const double *table,  \
                    Py_ssize_t table_segments, const double *fine, Py_ssize_t fine_segments,              \
                    Py_ssize_t columns, const int64_t *prefetch_rows, Py_ssize_t prefetch_columns)        \
    {                                                                                                     \
        int bad = 0;                                                                                      \
        Ahead ahead;                                                                                      \
        for (Py_ssize_t c0 = 0; c0 < columns; c0 += BLOCK) {                                              \
            const Py_ssize_t width = columns - c0 < BLOCK ? columns - c0 : BLOCK;                         \
            ahead_of_block(&ahead, c0 + BLOCK, columns, prefetch_rows, prefetch_columns, table,           \
                           table_segments, fine, fine_segments);                                          \
            for (Py_ssize_t p = 0; p < n_parts; p++) {                                                    \
                Part *part = parts + p;  /* its fields in locals: stores to out cannot alias them */     \
                const BIN_TYPE *bins = (const BIN_TYPE *)part->bins.buf;                                  \
                const char *u = (const char *)part->u.buf;                                                \
                const Py_ssize_t u_row = part->keyed ? 0 : part->u.strides[0];                            \
                const Py_ssize_t u_column = part->keyed ? 4 : part->u.strides[1];                         \
                const Part *keyed = part->keyed ? part : NULL;                                            \
                const Py_ssize_t stride = columns + (columns & 1);                                        \
                double *out = (double *)part->out.buf;                                                    \
                int64_t *exact_index = (int64_t *)part->exact_index.buf;                                  \
                float *exact_u = (float *)part->exact_u.buf;                                              \
                const Py_ssize_t exact_capacity = part->exact_index.len / 8, rows = part->rows;           \
                Py_ssize_t exact = part->exact;                                                           \
                if (VECTOR_BLOCK(SUFFIX, width, u_column)) {                                              \
                    if (CALL_VECTOR_BLOCK(SUFFIX) < 0) return -1;                                         \
                } else {                                                                                  \
                    for (Py_ssize_t r = 0; r < rows; r++) {                                               \
                        ahead_step(&ahead);                                                               \
                        const Py_ssize_t at = r * columns + c0;                                           \
                        for (Py_ssize_t l = 0; l < width; l++) {                                          \
                            const float ul = keyed ? keyed_uniform(keyed->key, (uint64_t)((keyed->first_row + r) * stride + c0 + l)) \
                                                   : *(const float *)(u + r * u_row + (c0 + l) * u_column); \
                            const double v = table_value(table, table_segments, fine, fine_segments,       \
                                                         first_segment[c0 + l] + (Py_ssize_t)bins[at + l] * SEGMENTS, \
                                                         ul, &bad);                                       \
                            store_value(v, ul, out, at + l, exact_index, exact_u, exact_capacity, &exact); \
                        }                                                                                 \
                        if (bad) return -1;                                                               \
                    }                                                                                     \
                }                                                                                         \
                part->exact = exact;                                                                      \
            }                                                                                             \
        }                                                                                                 \
        return 0;                                                                                         \
    }

#ifdef HAVE_AVX2_PASS
#define VECTOR_BLOCK(SUFFIX, width, u_column) \
    (use_avx2 && (width) == BLOCK && (u_column) == 4 && table_segments < 0x7fffffff)
#define CALL_VECTOR_BLOCK(SUFFIX)                                                                        \
    AVX2_BLOCK(SUFFIX)(bins, u, u_row, keyed, out, rows, columns, c0, first_segment, table, table_segments, \
                       fine, fine_segments, exact_index, exact_u, exact_capacity, &exact, &ahead)
#else
#define VECTOR_BLOCK(SUFFIX, width, u_column) 0
#define CALL_VECTOR_BLOCK(SUFFIX) 0
#endif

DEFINE_EVALUATE(evaluate_int8, int8_t, int8)
DEFINE_EVALUATE(evaluate_int16, int16_t, int16)
DEFINE_EVALUATE(evaluate_int32, int32_t, int32)

static int
expect_length(const Py_buffer *view, Py_ssize_t count, Py_ssize_t itemsize, const char *name)
{
    if (view->len != count * itemsize) {
        PyErr_Format(PyExc_ValueError, "%s must hold %zd items of %zd bytes; got %zd bytes.", name,
                     count, itemsize, view->len);
        return -1;
    }
    return 0;
}

/* Acquire one part's buffers (all or none) and check them against the column count. */
static int
acquire_part(PyObject *item, Py_ssize_t index, Py_ssize_t bin_itemsize, Py_ssize_t columns, Part *part)
{
    PyObject *bins, *u, *out, *exact_index, *exact_u;
    if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "OOOOO", &bins, &u, &out, &exact_index, &exact_u)) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "part %zd must be a tuple (bins, u, out, exact_index, exact_u).", index);
        return -1;
    }
    int got = 0;
    if (PyObject_GetBuffer(u, &part->u, PyBUF_STRIDES | PyBUF_FORMAT) < 0) goto fail;
    got = 1;
    if (PyObject_GetBuffer(bins, &part->bins, PyBUF_SIMPLE) < 0) goto fail;
    got = 2;
    if (PyObject_GetBuffer(out, &part->out, PyBUF_WRITABLE) < 0) goto fail;
    got = 3;
    if (PyObject_GetBuffer(exact_index, &part->exact_index, PyBUF_WRITABLE) < 0) goto fail;
    got = 4;
    if (PyObject_GetBuffer(exact_u, &part->exact_u, PyBUF_WRITABLE) < 0) goto fail;
    got = 5;
    /* (key, first row): the uniforms are computed from the key */
    part->keyed = part->u.ndim == 1 && part->u.itemsize == 8 && part->u.shape[0] == 2;
    if (part->keyed) {
        const uint64_t *words = (const uint64_t *)part->u.buf;
        part->key = words[0];
        part->first_row = (Py_ssize_t)words[1];
        part->rows = columns > 0 ? part->bins.len / bin_itemsize / columns : 0;
        if (words[1] > ((uint64_t)1 << 40)) {
            PyErr_Format(PyExc_ValueError, "the first row of part %zd is out of range.", index);
            goto fail;
        }
    } else if (part->u.ndim != 2 || part->u.itemsize != 4 || part->u.format == NULL
               || strcmp(part->u.format, "f") != 0 || part->u.shape[1] != columns) {
        PyErr_Format(PyExc_ValueError, "u of part %zd must be a 2-D float32 array with %zd columns or uint64 "
                     "(key, first row).", index, columns);
        goto fail;
    } else {
        part->rows = part->u.shape[0];
    }
    part->exact = 0;
    if (expect_length(&part->bins, part->rows * columns, bin_itemsize, "bins")
        || expect_length(&part->out, part->rows * columns, 8, "out")
        || expect_length(&part->exact_u, part->exact_index.len / 8, 4, "exact_u")) {
        goto fail;
    }
    return 0;
fail:
    if (got > 4) PyBuffer_Release(&part->exact_u);
    if (got > 3) PyBuffer_Release(&part->exact_index);
    if (got > 2) PyBuffer_Release(&part->out);
    if (got > 1) PyBuffer_Release(&part->bins);
    if (got > 0) PyBuffer_Release(&part->u);
    return -1;
}

PyDoc_STRVAR(within_bin_values_doc,
"within_bin_values(parts, bin_itemsize, first_segment, table, fine, segments, subsegments, prefetch_rows) -> list\n\n"
"Within-bin values of (rows, columns) draws from the cubic tables.\n\n"
"parts: sequence of (bins, u, out, exact_index, exact_u), one per block of draws (all with the\n"
"same columns): bins C-contiguous int8/int16/int32 (bin_itemsize 1, 2 or 4 bytes); u a 2-D\n"
"float32 array (rows, columns), any strides (rows of contiguous values read fastest), or uint64\n"
"(key, first): the uniforms of rows first, first + 1, ... computed from the key, the value of\n"
"row r and column c being keyed_uniform(key, r * (columns + columns % 2) + c) (uniform j: half\n"
"j % 2, low half first, of SplitMix64 word j / 2 of the key's sequence); out a\n"
"writable C-contiguous float64 (rows, columns); exact_index a writable int64 buffer and exact_u a\n"
"writable float32 one of the same length. first_segment: int64\n"
"first table segment of each column; table: float64 (table_segments, 4) coefficients c0..c3 (a row\n"
"(NaN, first, *, *) sends the draw to `subsegments` rows of `fine` from row `first`); fine:\n"
"float64 (fine_segments, 4); segments: segments per bin (both counts must be the built-in\n"
"256 and 16); prefetch_rows: int64 (columns, 4) rows [first, stop) of each column's segments\n"
"in table and of its finer ones in fine, read ahead a block early (no value depends on it;\n"
"may be empty). Returns, per part, how many values are NaN (to be computed exactly); the\n"
"first len(exact_index) of their flat indices (row * columns + column) are in its exact_index,\n"
"four columns at a time (not sorted), and their uniforms in exact_u.");

static PyObject *
within_bin_values(PyObject *module, PyObject *args)
{
    PyObject *part_list;
    Py_buffer first_segment, table, fine;
    Py_buffer prefetch_rows;
    Py_ssize_t bin_itemsize, segments, subsegments;
    if (!PyArg_ParseTuple(args, "Ony*y*y*nny*", &part_list, &bin_itemsize, &first_segment, &table, &fine,
                          &segments, &subsegments, &prefetch_rows)) {
        return NULL;
    }
    PyObject *result = NULL, *sequence = NULL;
    Part *parts = NULL;
    Py_ssize_t acquired = 0, n_parts = 0;
    const Py_ssize_t columns = first_segment.len / 8;
    const Py_ssize_t table_segments = table.len / 32, fine_segments = fine.len / 32;
    if (bin_itemsize != 1 && bin_itemsize != 2 && bin_itemsize != 4) {
        PyErr_Format(PyExc_ValueError, "bin_itemsize must be 1, 2 or 4; got %zd.", bin_itemsize);
        goto done;
    }
    if (segments != SEGMENTS || subsegments != SUBSEGMENTS) {
        PyErr_Format(PyExc_ValueError, "segments and subsegments must be %d and %d (built in); got %zd and %zd.",
                     SEGMENTS, SUBSEGMENTS, segments, subsegments);
        goto done;
    }
    if (first_segment.len % 8 || table.len % 32 || fine.len % 32 || prefetch_rows.len % 32) {
        PyErr_SetString(PyExc_ValueError, "buffers are not whole int64 / 4 float64 / 4 int64 items.");
        goto done;
    }
    const Py_ssize_t prefetch_columns = prefetch_rows.len / 32;
    sequence = PySequence_Fast(part_list, "parts must be a sequence of (bins, u, out, exact_index, exact_u).");
    if (sequence == NULL) goto done;
    n_parts = PySequence_Fast_GET_SIZE(sequence);
    parts = PyMem_Calloc(n_parts > 0 ? (size_t)n_parts : 1, sizeof(Part));
    if (parts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; acquired < n_parts; acquired++) {
        if (acquire_part(PySequence_Fast_GET_ITEM(sequence, acquired), acquired, bin_itemsize, columns,
                         parts + acquired) < 0) {
            goto done;
        }
    }
    int status;
    Py_BEGIN_ALLOW_THREADS
    if (bin_itemsize == 1) {
        status = evaluate_int8(parts, n_parts, (const int64_t *)first_segment.buf, (const double *)table.buf,
                               table_segments, (const double *)fine.buf, fine_segments, columns,
                                (const int64_t *)prefetch_rows.buf, prefetch_columns);
    } else if (bin_itemsize == 2) {
        status = evaluate_int16(parts, n_parts, (const int64_t *)first_segment.buf, (const double *)table.buf,
                                table_segments, (const double *)fine.buf, fine_segments, columns,
                                (const int64_t *)prefetch_rows.buf, prefetch_columns);
    } else {
        status = evaluate_int32(parts, n_parts, (const int64_t *)first_segment.buf, (const double *)table.buf,
                                table_segments, (const double *)fine.buf, fine_segments, columns,
                                (const int64_t *)prefetch_rows.buf, prefetch_columns);
    }
    Py_END_ALLOW_THREADS
    if (status < 0) {
        PyErr_SetString(PyExc_ValueError, "a bin index points outside the within-bin table.");
        goto done;
    }
    result = PyList_New(n_parts);
    if (result == NULL) goto done;
    for (Py_ssize_t p = 0; p < n_parts; p++) {
        PyObject *count = PyLong_FromSsize_t(parts[p].exact);
        if (count == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, p, count);
    }
done:
    for (Py_ssize_t p = 0; p < acquired; p++) {
        PyBuffer_Release(&parts[p].bins);
        PyBuffer_Release(&parts[p].u);
        PyBuffer_Release(&parts[p].out);
        PyBuffer_Release(&parts[p].exact_index);
        PyBuffer_Release(&parts[p].exact_u);
    }
    PyMem_Free(parts);
    Py_XDECREF(sequence);
    PyBuffer_Release(&first_segment);
    PyBuffer_Release(&table);
    PyBuffer_Release(&fine);
    PyBuffer_Release(&prefetch_rows);
    return result;
}

/* States of `rows` rows of uniforms (rows of `features` float32 values): see draw_states. */
static void
states_of_rows(const float *uu, const float *thr, const int8_t *row, const int8_t *padded_row, int8_t *st,
               int8_t *sm, int64_t *sc, Py_ssize_t rows, Py_ssize_t features, Py_ssize_t width, int32_t *below)
{
#ifdef HAVE_AVX2_PASS
    if (use_avx2) {
        states_avx2(uu, thr, padded_row, st, sm, sc, rows, features, width);
        return;
    }
#endif
    (void)padded_row;
    for (Py_ssize_t r = 0; r < rows; r++) {  /* inner loops run along the features, in int32: vectorised */
        const float *ur = uu + r * features;
        int8_t *sr = st + r * features, *mr = sm + r * features;
        for (Py_ssize_t c = 0; c < features; c++) below[c] = 0;
        for (Py_ssize_t k = 0; k < width; k++) {
            const float *tk = thr + k * features;
            for (Py_ssize_t c = 0; c < features; c++) below[c] += ur[c] >= tk[c];
        }
        int64_t hits = 0;
        for (Py_ssize_t c = 0; c < features; c++) {
            const int32_t hit = below[c] == row[c];
            sr[c] = (int8_t)below[c];
            mr[c] = (int8_t)hit;
            hits += hit;
        }
        sc[r] = hits;
    }
}

/* Rows of uniforms drawn at a time by draw_states_stream (a block stays in the L1/L2 cache). */
#define STREAM_BLOCK_VALUES 4096

PyDoc_STRVAR(draw_states_doc,
"draw_states(u, thresholds, row_states, states, same, same_count) -> None\n\n"
"States of (rows, features) float32 uniforms u: per feature, how many of its thresholds are\n"
"<= u, with thresholds float32 (K, features) (threshold k of every feature side by side;\n"
"pad with values above 1). Writes int8 states and z' = int8 (state == row_states[feature])\n"
"of the same shape, and int64 same_count (rows,).");

PyDoc_STRVAR(draw_states_from_stream_doc,
"draw_states_from_stream(state, thresholds, row_states, states, same, same_count) -> None\n\n"
"draw_states with the uniforms drawn from the writable uint64 SFC64 state (a, b, c, counter):\n"
"the values lime_core.UniformStream would fill u with, row after row, a block of rows at a\n"
"time. The state is advanced as such a fill would (an odd count uses the low half of its last\n"
"draw only).");

/* draw_states (drawn = 0: u holds the uniforms) and draw_states_from_stream (drawn = 1: u is the
 * SFC64 state they are drawn from). */
static PyObject *
states_pass(PyObject *args, int drawn)
{
    Py_buffer u, thresholds, row_states, states, same, same_count;
    if (!PyArg_ParseTuple(args, drawn ? "w*y*y*w*w*w*" : "y*y*y*w*w*w*", &u, &thresholds, &row_states, &states,
                          &same, &same_count)) {
        return NULL;
    }
    PyObject *result = NULL;
    int32_t *below = NULL;
    int8_t *padded_row = NULL;
    float *block = NULL;
    const Py_ssize_t features = row_states.len;
    const Py_ssize_t count = states.len;
    const Py_ssize_t rows = features > 0 ? count / features : 0;
    const Py_ssize_t width = features > 0 ? thresholds.len / 4 / features : 0;
    if (features == 0 || count % features || thresholds.len != 4 * width * features
        || u.len != (drawn ? 32 : 4 * count)) {
        PyErr_SetString(PyExc_ValueError, drawn ? "state must be 4 uint64 and thresholds float32 with one column "
                        "per feature, as states." : "u and thresholds must be float32 with one column per feature, "
                        "as states.");
        goto done;
    }
    if (expect_length(&same, count, 1, "same") || expect_length(&same_count, rows, 8, "same_count")) {
        goto done;
    }
    if (width > 127) {
        PyErr_Format(PyExc_ValueError, "at most 127 thresholds per feature fit int8 states; got %zd.", width);
        goto done;
    }
    const Py_ssize_t block_rows = drawn ? (STREAM_BLOCK_VALUES / features > 0 ? STREAM_BLOCK_VALUES / features : 1) : 0;
    below = PyMem_RawMalloc((size_t)features * sizeof(int32_t));  /* thresholds <= u, per feature */
    padded_row = PyMem_RawCalloc((size_t)(features + 8), 1);  /* the row's states, whole chunks of 8 */
    block = drawn ? PyMem_RawMalloc((size_t)(block_rows * features) * sizeof(float)) : NULL;
    if (below == NULL || padded_row == NULL || (drawn && block == NULL)) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(padded_row, row_states.buf, (size_t)features);
    Py_BEGIN_ALLOW_THREADS
    const float *thr = (const float *)thresholds.buf;
    const int8_t *row = (const int8_t *)row_states.buf;
    int8_t *st = (int8_t *)states.buf, *sm = (int8_t *)same.buf;
    int64_t *sc = (int64_t *)same_count.buf;
    if (drawn) {
        Uniforms g;
        memcpy(g.s, u.buf, sizeof g.s);
        g.has_high = 0;
        for (Py_ssize_t r = 0; r < rows; r += block_rows) {
            const Py_ssize_t n = rows - r < block_rows ? rows - r : block_rows;
            uniforms_fill(&g, block, n * features);
            states_of_rows(block, thr, row, padded_row, st + r * features, sm + r * features, sc + r, n, features,
                           width, below);
        }
        memcpy(u.buf, g.s, sizeof g.s);
    } else {
        states_of_rows((const float *)u.buf, thr, row, padded_row, st, sm, sc, rows, features, width, below);
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_RawFree(below);
    PyMem_RawFree(padded_row);
    PyMem_RawFree(block);
    PyBuffer_Release(&u);
    PyBuffer_Release(&thresholds);
    PyBuffer_Release(&row_states);
    PyBuffer_Release(&states);
    PyBuffer_Release(&same);
    PyBuffer_Release(&same_count);
    return result;
}

static PyObject *
draw_states(PyObject *module, PyObject *args)
{
    return states_pass(args, 0);
}

static PyObject *
draw_states_from_stream(PyObject *module, PyObject *args)
{
    return states_pass(args, 1);
}

PyDoc_STRVAR(vector_pass_doc,
"vector_pass(enabled=None) -> bool\n\n"
"Whether within_bin_values and draw_states use AVX2 (where the processor has it: four\n"
"within-bin values, eight states at a time); enabled=False or True switches it (True only\n"
"where AVX2 is there). Either way gives the same values: a switch for tests.");

static PyObject *
vector_pass(PyObject *module, PyObject *args)
{
    PyObject *enabled = Py_None;
    if (!PyArg_ParseTuple(args, "|O", &enabled)) {
        return NULL;
    }
#ifdef HAVE_AVX2_PASS
    if (enabled != Py_None) {
        const int want = PyObject_IsTrue(enabled);
        if (want < 0) return NULL;
        __builtin_cpu_init();
        use_avx2 = want && __builtin_cpu_supports("avx2");
    }
    return PyBool_FromLong(use_avx2);
#else
    return PyBool_FromLong(0);
#endif
}

static PyMethodDef methods[] = {
    {"vector_pass", vector_pass, METH_VARARGS, vector_pass_doc},
    {"within_bin_values", within_bin_values, METH_VARARGS, within_bin_values_doc},
    {"draw_states", draw_states, METH_VARARGS, draw_states_doc},
    {"draw_states_from_stream", draw_states_from_stream, METH_VARARGS, draw_states_from_stream_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_compiled",
    "Compiled per-value passes of lime_tabular's sampling (see lime_tabular/_representation.py).", -1,
    methods,
};

PyMODINIT_FUNC
PyInit__compiled(void)
{
#ifdef HAVE_AVX2_PASS
    __builtin_cpu_init();
    use_avx2 = __builtin_cpu_supports("avx2");
#endif
    return PyModule_Create(&module_def);
}
