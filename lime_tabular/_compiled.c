/* The two per-value passes of lime_tabular's sampling, compiled (lime_tabular/_representation.py).
 *
 * Each does the arithmetic of its NumPy twin in the same order, so both give the same bits:
 *
 * - within_bin_values (NumPy twin: _evaluate_table): the piecewise cubic inverse-CDF table of
 *   each draw's bin. t32 = u * G in float32 (exact, G a power of two), segment
 *   k = min(floor(t32), G - 1), t = t32 - k in float64, then Horner's rule c3 t + c2, * t, + c1,
 *   * t, + c0, each step rounded to float64 (compiled with -ffp-contract=off: no fused
 *   multiply-add). Values on segments flagged NaN in the table (a bin's steep tails) come out
 *   NaN; their flat indices go to `exact_index` (up to its capacity) to be computed exactly.
 * - draw_states (NumPy twin: TableModel.draw_states and the z' of TabularRepresentation.sample):
 *   state = the number of a feature's cumulative-frequency thresholds at or below u (float32
 *   comparisons), z' = (state == the row's state), and per row the count of such features.
 *
 * Only the buffer protocol is used: no NumPy headers are needed to build it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* Values per block of within_bin_values: a block of rows (128 KB of output) stays in the L2
 * cache while the pass runs through it column by column, so the part of the table it reads
 * at a time is one column's (its bins x segments x 32 bytes, about 32 KB for lime's
 * quartiles) instead of the whole table, which outgrows the L2 cache at 30 columns. */
#define BLOCK_VALUES 16384

#define DEFINE_EVALUATE(NAME, BIN_TYPE)                                                           \
    static Py_ssize_t NAME(const BIN_TYPE *bins, const float *u, const int64_t *first_segment,     \
                           const double *table, Py_ssize_t table_segments, Py_ssize_t segments,    \
                           double *out, int64_t *exact_index, Py_ssize_t exact_capacity,          \
                           Py_ssize_t rows, Py_ssize_t columns, int *out_of_range)                \
    {                                                                                             \
        const float scale = (float)segments;                                                      \
        Py_ssize_t exact = 0;                                                                     \
        const Py_ssize_t block = columns < BLOCK_VALUES ? BLOCK_VALUES / columns : 1;             \
        for (Py_ssize_t r0 = 0; r0 < rows; r0 += block) {                                         \
            const Py_ssize_t r1 = r0 + block < rows ? r0 + block : rows;                          \
            for (Py_ssize_t c = 0; c < columns; c++) {                                            \
                for (Py_ssize_t r = r0; r < r1; r++) {                                            \
                    const Py_ssize_t i = r * columns + c;                                         \
                    const float t32 = u[i] * scale;                                               \
                    Py_ssize_t k = (Py_ssize_t)t32;                                               \
                    if (k > segments - 1) k = segments - 1;                                       \
                    const double t = (double)t32 - (double)k;                                     \
                    const Py_ssize_t s = (Py_ssize_t)first_segment[c] + (Py_ssize_t)bins[i] * segments + k; \
                    if (s < 0 || s >= table_segments) { *out_of_range = 1; return 0; }            \
                    const double *q = table + 4 * s;                                              \
                    double v = q[3] * t;                                                          \
                    v = v + q[2];                                                                 \
                    v = v * t;                                                                    \
                    v = v + q[1];                                                                 \
                    v = v * t;                                                                    \
                    v = v + q[0];                                                                 \
                    out[i] = v;                                                                   \
                    if (v != v) {                                                                 \
                        if (exact < exact_capacity) exact_index[exact] = (int64_t)i;              \
                        exact++;                                                                  \
                    }                                                                             \
                }                                                                                 \
            }                                                                                     \
        }                                                                                         \
        return exact;                                                                             \
    }

DEFINE_EVALUATE(evaluate_int8, int8_t)
DEFINE_EVALUATE(evaluate_int16, int16_t)
DEFINE_EVALUATE(evaluate_int32, int32_t)

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

PyDoc_STRVAR(within_bin_values_doc,
"within_bin_values(bins, bin_itemsize, u, first_segment, table, segments, out, exact_index) -> int\n\n"
"Within-bin values of (rows, columns) draws from the interleaved cubic table.\n\n"
"bins: C-contiguous int8/int16/int32 bin of each draw (bin_itemsize 1, 2 or 4 bytes);\n"
"u: float32 uniforms of the same shape; first_segment: int64 first table segment of each\n"
"column; table: float64 (table_segments, 4) coefficients c0..c3; segments: segments per bin;\n"
"out: writable float64 (rows, columns); exact_index: writable int64 buffer. Returns how many\n"
"values are NaN (to be computed exactly); the first len(exact_index) of their flat indices\n"
"are in exact_index, in the order the blocked pass meets them (not sorted).");

static PyObject *
within_bin_values(PyObject *module, PyObject *args)
{
    Py_buffer bins, u, first_segment, table, out, exact_index;
    Py_ssize_t bin_itemsize, segments;
    if (!PyArg_ParseTuple(args, "y*ny*y*y*nw*w*", &bins, &bin_itemsize, &u, &first_segment, &table,
                          &segments, &out, &exact_index)) {
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t columns = first_segment.len / 8;
    Py_ssize_t count = u.len / 4;
    Py_ssize_t rows = columns > 0 ? count / columns : 0;
    Py_ssize_t table_segments = table.len / 32;
    int out_of_range = 0;
    Py_ssize_t exact = 0;
    if (bin_itemsize != 1 && bin_itemsize != 2 && bin_itemsize != 4) {
        PyErr_Format(PyExc_ValueError, "bin_itemsize must be 1, 2 or 4; got %zd.", bin_itemsize);
        goto done;
    }
    if (segments < 1) {
        PyErr_Format(PyExc_ValueError, "segments must be >= 1; got %zd.", segments);
        goto done;
    }
    if (first_segment.len % 8 || u.len % 4 || table.len % 32 || (columns > 0 && count % columns)) {
        PyErr_SetString(PyExc_ValueError, "buffers are not whole rows of int64 / float32 / 4 float64.");
        goto done;
    }
    if (expect_length(&bins, count, bin_itemsize, "bins") || expect_length(&out, count, 8, "out")) {
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    if (bin_itemsize == 1) {
        exact = evaluate_int8((const int8_t *)bins.buf, (const float *)u.buf, (const int64_t *)first_segment.buf,
                              (const double *)table.buf, table_segments, segments, (double *)out.buf,
                              (int64_t *)exact_index.buf, exact_index.len / 8, rows, columns, &out_of_range);
    } else if (bin_itemsize == 2) {
        exact = evaluate_int16((const int16_t *)bins.buf, (const float *)u.buf, (const int64_t *)first_segment.buf,
                               (const double *)table.buf, table_segments, segments, (double *)out.buf,
                               (int64_t *)exact_index.buf, exact_index.len / 8, rows, columns, &out_of_range);
    } else {
        exact = evaluate_int32((const int32_t *)bins.buf, (const float *)u.buf, (const int64_t *)first_segment.buf,
                               (const double *)table.buf, table_segments, segments, (double *)out.buf,
                               (int64_t *)exact_index.buf, exact_index.len / 8, rows, columns, &out_of_range);
    }
    Py_END_ALLOW_THREADS
    if (out_of_range) {
        PyErr_SetString(PyExc_ValueError, "a bin index points outside the within-bin table.");
        goto done;
    }
    result = PyLong_FromSsize_t(exact);
done:
    PyBuffer_Release(&bins);
    PyBuffer_Release(&u);
    PyBuffer_Release(&first_segment);
    PyBuffer_Release(&table);
    PyBuffer_Release(&out);
    PyBuffer_Release(&exact_index);
    return result;
}

PyDoc_STRVAR(draw_states_doc,
"draw_states(u, thresholds, row_states, states, same, same_count) -> None\n\n"
"States of (rows, features) float32 uniforms u: per feature, how many of its thresholds are\n"
"<= u, with thresholds float32 (K, features) (threshold k of every feature side by side;\n"
"pad with values above 1). Writes int8 states and z' = int8 (state == row_states[feature])\n"
"of the same shape, and int64 same_count (rows,).");

static PyObject *
draw_states(PyObject *module, PyObject *args)
{
    Py_buffer u, thresholds, row_states, states, same, same_count;
    if (!PyArg_ParseTuple(args, "y*y*y*w*w*w*", &u, &thresholds, &row_states, &states, &same, &same_count)) {
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t features = row_states.len;
    const Py_ssize_t count = u.len / 4;
    const Py_ssize_t rows = features > 0 ? count / features : 0;
    const Py_ssize_t width = features > 0 ? thresholds.len / 4 / features : 0;
    if (features == 0 || u.len % 4 || count % features || thresholds.len != 4 * width * features) {
        PyErr_SetString(PyExc_ValueError, "u and thresholds must be float32 with one column per feature.");
        goto done;
    }
    if (expect_length(&states, count, 1, "states") || expect_length(&same, count, 1, "same")
        || expect_length(&same_count, rows, 8, "same_count")) {
        goto done;
    }
    if (width > 127) {
        PyErr_Format(PyExc_ValueError, "at most 127 thresholds per feature fit int8 states; got %zd.", width);
        goto done;
    }
    int32_t *below = PyMem_RawMalloc((size_t)features * sizeof(int32_t));  /* thresholds <= u, per feature */
    if (below == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    const float *uu = (const float *)u.buf, *thr = (const float *)thresholds.buf;
    const int8_t *row = (const int8_t *)row_states.buf;
    int8_t *st = (int8_t *)states.buf, *sm = (int8_t *)same.buf;
    int64_t *sc = (int64_t *)same_count.buf;
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
    Py_END_ALLOW_THREADS
    PyMem_RawFree(below);
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&u);
    PyBuffer_Release(&thresholds);
    PyBuffer_Release(&row_states);
    PyBuffer_Release(&states);
    PyBuffer_Release(&same);
    PyBuffer_Release(&same_count);
    return result;
}

static PyMethodDef methods[] = {
    {"within_bin_values", within_bin_values, METH_VARARGS, within_bin_values_doc},
    {"draw_states", draw_states, METH_VARARGS, draw_states_doc},
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
    return PyModule_Create(&module_def);
}
