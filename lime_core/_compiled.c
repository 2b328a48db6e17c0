/* lime_core's compiled passes: float32 uniforms in one pass, with no intermediate array, and
 * the surrogate's sums over a binary z'.
 *
 * - fill_uniform_float32 (NumPy twin: lime_core._designs.uniform_float32): from a NumPy bit
 *   generator. Each 64-bit raw draw of the generator
 * (what BitGenerator.random_raw returns) gives two uniforms, its low 32 bits first, each
 * (b >> 8) * 2**-24: the values Generator.random(dtype=np.float32) takes. Written in one pass
 *   into the caller's buffer.
 * - sfc64_fill_uniform_float32 (NumPy twin: UniformStream's NumPy path): the same from
 *   SFC64 (Chris Doty-Humphrey's Small Fast Chaotic generator, numpy.random.SFC64's
 *   algorithm step for step), inlined: about 0.5 ns per draw instead of a call per draw.
 * - binary_sums, binary_prediction (NumPy twins: lime_core._binary): over the rows of an int8
 *   z' of 0s and 1s (lime's interpretable samples), exact integer sums of fixed-point weights
 *   over the ones (the Gram matrix through histograms of pairs of 5-column groups), and a
 *   linear prediction adding, per 5-column group, a table's sum of the coefficients of the
 *   row's ones. Integer sums are exact in any order, so the twin may use BLAS on the same
 *   integers.
 *
 * The generator is reached through its "BitGenerator" capsule (NumPy's documented C
 * interface to bit generators); the caller holds the generator's lock. Only the buffer
 * protocol and the capsule are used: no NumPy headers are needed to build it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_uniforms.h"

/* NumPy's bitgen_t (numpy/random/bitgen.h). */
typedef struct {
    void *state;
    uint64_t (*next_uint64)(void *state);
    uint32_t (*next_uint32)(void *state);
    double (*next_double)(void *state);
    uint64_t (*next_raw)(void *state);
} bitgen_t;

PyDoc_STRVAR(fill_uniform_float32_doc,
"fill_uniform_float32(capsule, out) -> None\n\n"
"Fill the writable float32 buffer out with uniforms in [0, 1) from ceil(len / 2) raw 64-bit\n"
"draws of the bit generator behind capsule (its 'BitGenerator' capsule), low half first.\n"
"The caller holds the generator's lock.");

static PyObject *
fill_uniform_float32(PyObject *module, PyObject *args)
{
    PyObject *capsule;
    Py_buffer out;
    if (!PyArg_ParseTuple(args, "Ow*", &capsule, &out)) {
        return NULL;
    }
    bitgen_t *bitgen = PyCapsule_GetPointer(capsule, "BitGenerator");
    if (bitgen == NULL) {
        PyBuffer_Release(&out);
        return NULL;
    }
    if (out.len % 4) {
        PyBuffer_Release(&out);
        PyErr_SetString(PyExc_ValueError, "out must be a float32 buffer.");
        return NULL;
    }
    float *values = (float *)out.buf;
    const Py_ssize_t count = out.len / 4;
    Py_ssize_t i = 0;
    for (; i + 1 < count; i += 2) {
        const uint64_t raw = bitgen->next_raw(bitgen->state);
        values[i] = uniform24((uint32_t)raw);
        values[i + 1] = uniform24((uint32_t)(raw >> 32));
    }
    if (i < count) {
        values[i] = uniform24((uint32_t)bitgen->next_raw(bitgen->state));
    }
    PyBuffer_Release(&out);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(sfc64_fill_uniform_float32_doc,
"sfc64_fill_uniform_float32(state, out) -> None\n\n"
"Fill the writable float32 buffer out with uniforms in [0, 1) from ceil(len / 2) draws of\n"
"SFC64 with the writable uint64 state (a, b, c, counter), low half of each draw first, as\n"
"fill_uniform_float32; the state is advanced in place.");

static PyObject *
sfc64_fill_uniform_float32(PyObject *module, PyObject *args)
{
    Py_buffer state, out;
    if (!PyArg_ParseTuple(args, "w*w*", &state, &out)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (state.len != 32 || out.len % 4) {
        PyErr_SetString(PyExc_ValueError, "state must be 4 uint64 and out a float32 buffer.");
        goto done;
    }
    uint64_t s[4];
    memcpy(s, state.buf, sizeof s);
    float *values = (float *)out.buf;
    const Py_ssize_t count = out.len / 4;
    Py_ssize_t i = 0;
    for (; i + 1 < count; i += 2) {
        const uint64_t raw = sfc64_next(s);
        values[i] = uniform24((uint32_t)raw);
        values[i + 1] = uniform24((uint32_t)(raw >> 32));
    }
    if (i < count) {
        values[i] = uniform24((uint32_t)sfc64_next(s));
    }
    memcpy(state.buf, s, sizeof s);
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&state);
    PyBuffer_Release(&out);
    return result;
}

/* Check a 2-D z' given as (buffer, row length) and a column selection against each other. */
static int
check_binary_input(const Py_buffer *z, Py_ssize_t width, const Py_buffer *columns, Py_ssize_t rows)
{
    if (width < 0 || (rows > 0 && z->len != rows * width)) {
        PyErr_Format(PyExc_ValueError, "z must hold %zd rows of %zd int8 values; got %zd bytes.", rows, width,
                     z->len);
        return -1;
    }
    if (columns->len % 8) {
        PyErr_SetString(PyExc_ValueError, "columns must be int64.");
        return -1;
    }
    const int64_t *column = (const int64_t *)columns->buf;
    for (Py_ssize_t a = 0; a < columns->len / 8; a++) {
        if (column[a] < 0 || column[a] >= width) {
            PyErr_Format(PyExc_ValueError, "column %lld is outside z's %zd columns.", (long long)column[a], width);
            return -1;
        }
    }
    return 0;
}

/* Whether a 64-bit word loaded from memory holds its first byte lowest (the row masks' fast path). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS_ARE_LITTLE_ENDIAN 1
#else
#define WORDS_ARE_LITTLE_ENDIAN 0
#endif

/* Bytes of 0/1 in a 64-bit word -> one bit each (byte i -> bit i). */
static inline uint64_t
pack_bytes(uint64_t word)
{
    return (word * 0x0102040810204080ULL) >> 56;
}

PyDoc_STRVAR(binary_sums_doc,
"binary_sums(z, width, columns, q, terms, sums, gram, cross) -> bool\n\n"
"Exact sums over the rows of a binary z' (int8, rows of `width` values) restricted to the int64\n"
"`columns` (d <= 64 of them), x_j = z[:, columns[j]]: with the int64 row weights q (n) and\n"
"int64 row terms (n, m), writes the int64 outputs sums[j] = sum q x_j, gram[j, k] =\n"
"sum q x_j x_k (d, d) and cross[j, l] = sum terms[:, l] x_j (d, m). The caller keeps sum |q|\n"
"and every column's sum |terms| below 2**62 (no overflow). False, with the outputs\n"
"unspecified, when a used value is neither 0 nor 1.");

/* One row's used columns as bits (column j -> bit j); `seen` collects the bytes read, to check
 * they are all 0 or 1. Every column in order (whole_words: the row's 8-byte words may be read
 * whole, past its end) or the listed ones. */
static inline uint64_t
row_bits(const uint8_t *row, const int64_t *column, Py_ssize_t d, int in_order, int whole_words, uint64_t *seen)
{
    uint64_t mask = 0;
    if (in_order && whole_words) {
        const Py_ssize_t words = (d + 7) / 8;
        for (Py_ssize_t i = 0; i < words; i++) {
            uint64_t word;
            memcpy(&word, row + 8 * i, 8);
            if (8 * i + 8 > d) word &= ~0ULL >> (8 * (8 * i + 8 - d));  /* this row's bytes only */
            *seen |= word;
            mask |= pack_bytes(word & 0x0101010101010101ULL) << (8 * i);
        }
        return mask;
    }
    for (Py_ssize_t j = 0; j < d; j++) {
        const uint8_t value = row[in_order ? j : column[j]];
        *seen |= value;
        mask |= (uint64_t)(value & 1) << j;
    }
    return mask;
}

/* A row's d <= 64 columns are 13 groups of 5 bits. Instead of walking its pairs of ones (a
 * branch per one, mispredicted: the count varies from row to row), the pass adds the row's
 * weight to one histogram entry per pair of groups, indexed by the two groups' values, and to
 * one per group (its terms too): a fixed number of additions per row, no data-dependent branch,
 * 8 KB per pair of groups (for 30 columns, 15 pairs in the L2 cache; 4-column groups made 28
 * additions a row instead of 15 and measured slower, 3-column groups slower still). The
 * histograms are then expanded into the sums; every sum is of integers, exact in any order. */
#define GROUP_BITS 5
#define GROUP_VALUES (1 << GROUP_BITS)

static PyObject *
binary_sums(PyObject *module, PyObject *args)
{
    Py_buffer z, columns, q, terms, sums, gram, cross;
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "y*ny*y*y*w*w*w*", &z, &width, &columns, &q, &terms, &sums, &gram, &cross)) {
        return NULL;
    }
    PyObject *result = NULL;
    int64_t *scratch = NULL;
    const Py_ssize_t rows = q.len / 8, d = columns.len / 8;
    const Py_ssize_t m = rows > 0 ? terms.len / 8 / rows : 0;
    if (q.len % 8 || check_binary_input(&z, width, &columns, rows) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "q must be int64.");
        goto done;
    }
    if (d > 64 || (rows > 0 && terms.len != 8 * rows * m) || sums.len != 8 * d || gram.len != 8 * d * d
        || cross.len != 8 * d * m) {
        PyErr_Format(PyExc_ValueError, "at most 64 columns; terms, sums, gram and cross must hold %zd x %zd, %zd, "
                     "%zd x %zd and %zd x %zd int64 values.", rows, m, d, d, d, d, m);
        goto done;
    }
    const int64_t *column = (const int64_t *)columns.buf;
    int in_order = d == width;
    for (Py_ssize_t j = 0; in_order && j < d; j++) in_order = column[j] == j;
    const Py_ssize_t groups = (d + GROUP_BITS - 1) / GROUP_BITS, pairs = groups * (groups - 1) / 2;
    /* histograms: per pair of groups (32 x 32 entries), per group (32), per group and term (32 m) */
    const size_t entries = (size_t)(GROUP_VALUES * (GROUP_VALUES * pairs + groups + groups * m));
    scratch = PyMem_RawCalloc(entries > 0 ? entries : 1, sizeof(int64_t));
    if (scratch == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    uint64_t seen = 0;
    Py_BEGIN_ALLOW_THREADS
    int64_t *pair_hist = scratch, *group_hist = pair_hist + GROUP_VALUES * GROUP_VALUES * pairs;
    int64_t *term_hist = group_hist + GROUP_VALUES * groups;
    const uint8_t *values = (const uint8_t *)z.buf;
    const int64_t *weight = (const int64_t *)q.buf, *term = (const int64_t *)terms.buf;
    for (Py_ssize_t r = 0; r < rows; r++) {
        /* whole 8-byte words may be read where they stay inside z (little-endian: byte i is bit 8 i) */
        const int whole_words = WORDS_ARE_LITTLE_ENDIAN && r * width + 8 * ((d + 7) / 8) <= z.len;
        const uint64_t mask = row_bits(values + r * width, column, d, in_order, whole_words, &seen);
        unsigned group[(64 + GROUP_BITS - 1) / GROUP_BITS];
        for (Py_ssize_t a = 0; a < groups; a++) {
            group[a] = (unsigned)(mask >> (GROUP_BITS * a)) & (GROUP_VALUES - 1);
        }
        const int64_t w = weight[r];
        const int64_t *t = term + r * m;
        int64_t *h = pair_hist;
        for (Py_ssize_t a = 0; a < groups; a++) {
            const unsigned row_of = GROUP_VALUES * group[a];
            group_hist[GROUP_VALUES * a + group[a]] += w;
            for (Py_ssize_t b = a + 1; b < groups; b++, h += GROUP_VALUES * GROUP_VALUES) {
                h[row_of + group[b]] += w;
            }
        }
        if (m == 1) {
            for (Py_ssize_t a = 0; a < groups; a++) term_hist[GROUP_VALUES * a + group[a]] += t[0];
        } else {
            for (Py_ssize_t a = 0; a < groups; a++) {
                int64_t *th = term_hist + (GROUP_VALUES * a + group[a]) * m;
                for (Py_ssize_t l = 0; l < m; l++) th[l] += t[l];
            }
        }
    }
    /* expand: column j is bit j % GROUP_BITS of group j / GROUP_BITS */
    int64_t *sum = (int64_t *)sums.buf, *g = (int64_t *)gram.buf, *x = (int64_t *)cross.buf;
    memset(sum, 0, (size_t)sums.len);
    memset(g, 0, (size_t)gram.len);
    memset(x, 0, (size_t)cross.len);
    for (Py_ssize_t a = 0; a < groups; a++) {
        for (unsigned v = 1; v < GROUP_VALUES; v++) {
            const int64_t hv = group_hist[GROUP_VALUES * a + v];
            const int64_t *tv = term_hist + (GROUP_VALUES * a + v) * m;
            for (unsigned i = 0; i < GROUP_BITS; i++) {
                const Py_ssize_t j = GROUP_BITS * a + i;
                if (!(v >> i & 1) || j >= d) continue;
                sum[j] += hv;
                for (Py_ssize_t l = 0; l < m; l++) x[j * m + l] += tv[l];
                for (unsigned k = i; k < GROUP_BITS; k++) {
                    if (v >> k & 1 && GROUP_BITS * a + k < d) g[j * d + GROUP_BITS * a + k] += hv;
                }
            }
        }
    }
    const int64_t *h = pair_hist;
    for (Py_ssize_t a = 0; a < groups; a++) {
        for (Py_ssize_t b = a + 1; b < groups; b++, h += GROUP_VALUES * GROUP_VALUES) {
            int64_t by_bit[GROUP_VALUES][GROUP_BITS];  /* [value of group a][bit k of group b] */
            memset(by_bit, 0, sizeof by_bit);
            for (unsigned va = 1; va < GROUP_VALUES; va++) {
                for (unsigned vb = 1; vb < GROUP_VALUES; vb++) {
                    const int64_t hv = h[GROUP_VALUES * va + vb];
                    if (hv == 0) continue;
                    for (unsigned k = 0; k < GROUP_BITS; k++) by_bit[va][k] += (vb >> k & 1) ? hv : 0;
                }
            }
            for (unsigned va = 1; va < GROUP_VALUES; va++) {
                for (unsigned i = 0; i < GROUP_BITS; i++) {
                    if (!(va >> i & 1) || GROUP_BITS * a + i >= d) continue;
                    for (unsigned k = 0; k < GROUP_BITS && GROUP_BITS * b + k < d; k++)
                        g[(GROUP_BITS * a + i) * d + GROUP_BITS * b + k] += by_bit[va][k];
                }
            }
        }
    }
    for (Py_ssize_t j = 0; j < d; j++) {
        for (Py_ssize_t k = 0; k < j; k++) g[j * d + k] = g[k * d + j];
    }
    Py_END_ALLOW_THREADS
    result = PyBool_FromLong((seen & ~0x0101010101010101ULL) == 0);
done:
    PyMem_RawFree(scratch);
    PyBuffer_Release(&z);
    PyBuffer_Release(&columns);
    PyBuffer_Release(&q);
    PyBuffer_Release(&terms);
    PyBuffer_Release(&sums);
    PyBuffer_Release(&gram);
    PyBuffer_Release(&cross);
    return result;
}

PyDoc_STRVAR(binary_prediction_doc,
"binary_prediction(z, width, columns, tables, intercept, out) -> bool\n\n"
"out[i] = ((t_0 + t_1) + ...) + intercept, where t_g = tables[g, v] for v the bits of row i's\n"
"values (int8, rows of `width` values) in the int64 columns[5 g:5 g + 5] (column 5 g + k is\n"
"bit k); tables: float64 (ceil(len(columns) / 5), 32); out: writable float64 (rows,). False,\n"
"with out unspecified, when a used value is neither 0 nor 1.");

static PyObject *
binary_prediction(PyObject *module, PyObject *args)
{
    Py_buffer z, columns, tables, out;
    Py_ssize_t width;
    double intercept;
    if (!PyArg_ParseTuple(args, "y*ny*y*dw*", &z, &width, &columns, &tables, &intercept, &out)) {
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t rows = out.len / 8, d = columns.len / 8, groups = (d + GROUP_BITS - 1) / GROUP_BITS;
    if (out.len % 8 || tables.len != 8 * GROUP_VALUES * groups || check_binary_input(&z, width, &columns, rows) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_ValueError, "out must be float64 and tables float64 (%zd, %d).", groups, GROUP_VALUES);
        }
        goto done;
    }
    uint64_t seen = 0;
    Py_BEGIN_ALLOW_THREADS
    const uint8_t *values = (const uint8_t *)z.buf;
    const int64_t *column = (const int64_t *)columns.buf;
    const double *table = (const double *)tables.buf;
    double *prediction = (double *)out.buf;
    for (Py_ssize_t r = 0; r < rows; r++) {
        const uint8_t *row = values + r * width;
        double total = 0.0;
        for (Py_ssize_t a = 0; a < groups; a++) {
            unsigned bits = 0;
            for (Py_ssize_t k = 0; k < GROUP_BITS && GROUP_BITS * a + k < d; k++) {
                const uint8_t value = row[column[GROUP_BITS * a + k]];
                seen |= value;
                bits |= (unsigned)(value & 1) << k;
            }
            total = a ? total + table[GROUP_VALUES * a + bits] : table[bits];
        }
        prediction[r] = total + intercept;
    }
    Py_END_ALLOW_THREADS
    result = PyBool_FromLong((seen & ~1ULL) == 0);
done:
    PyBuffer_Release(&z);
    PyBuffer_Release(&columns);
    PyBuffer_Release(&tables);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"fill_uniform_float32", fill_uniform_float32, METH_VARARGS, fill_uniform_float32_doc},
    {"sfc64_fill_uniform_float32", sfc64_fill_uniform_float32, METH_VARARGS, sfc64_fill_uniform_float32_doc},
    {"binary_sums", binary_sums, METH_VARARGS, binary_sums_doc},
    {"binary_prediction", binary_prediction, METH_VARARGS, binary_prediction_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "lime_core._compiled",
    "Float32 uniforms in one pass (twins in lime_core._designs); sums over a binary z' (twins in "
    "lime_core._binary).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__compiled(void)
{
    return PyModule_Create(&module);
}
