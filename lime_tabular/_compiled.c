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
 * - draw_states (NumPy twin: TableModel.draw_states and the z' of TabularRepresentation.sample):
 *   state = the number of a feature's cumulative-frequency thresholds at or below u (float32
 *   comparisons), z' = (state == the row's state), and per row the count of such features.
 *
 * Only the buffer protocol is used: no NumPy headers are needed to build it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

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
    Py_buffer bins, u, out, exact_index;
    Py_ssize_t rows, exact;
} Part;

/* within_bin_values runs through the draws one column at a time, every part's rows of it, so
 * the part of the table it reads at a time is one column's (its bins x segments x 32 bytes,
 * about 49 KB for lime's quartiles, plus split segments: it stays in the L1/L2 cache) instead
 * of the whole table, which outgrows the L2 cache at about 30 columns and costs a cache miss
 * per value. Parts share the column's pass, so a small part (the hold-out rows) does not load
 * the table again; while it works on a column the pass prefetches the next column's rows of
 * the table, a cache line per draw. The uniforms are read through their
 * strides: drawn column by column (a column-major array) they are read in order. */
#define DEFINE_EVALUATE(NAME, BIN_TYPE)                                                           \
    static int NAME(Part *parts, Py_ssize_t n_parts, const int64_t *first_segment,               \
                    const double *table, Py_ssize_t table_segments, const double *fine,           \
                    Py_ssize_t fine_segments, Py_ssize_t columns, const int64_t *prefetch_rows,    \
                    Py_ssize_t prefetch_columns)                                                  \
    {                                                                                             \
        int bad = 0;                                                                              \
        for (Py_ssize_t c = 0; c < columns; c++) {                                                \
            const Py_ssize_t first = (Py_ssize_t)first_segment[c];                                \
            const char *ahead[2] = {NULL, NULL};  /* the next column's rows: two ranges */        \
            Py_ssize_t ahead_lines[2] = {0, 0};                                                   \
            if (c + 1 < prefetch_columns) {                                                       \
                const int64_t *next = prefetch_rows + 4 * (c + 1);                                \
                for (int h = 0; h < 2; h++) {                                                     \
                    const double *rows_of = h ? fine : table;                                     \
                    if (next[2 * h] >= 0 && next[2 * h] <= next[2 * h + 1]                        \
                        && next[2 * h + 1] <= (h ? fine_segments : table_segments)) {             \
                        ahead[h] = (const char *)(rows_of + 4 * next[2 * h]);                     \
                        ahead_lines[h] = (next[2 * h + 1] - next[2 * h]) / 2;  /* 32-byte rows */  \
                    }                                                                             \
                }                                                                                 \
            }                                                                                     \
            Py_ssize_t line = 0;                                                                  \
            const Py_ssize_t lines = ahead_lines[0] + ahead_lines[1];                             \
            for (Py_ssize_t p = 0; p < n_parts; p++) {                                            \
                Part *part = parts + p;  /* its fields in locals: stores to out cannot alias them */ \
                const BIN_TYPE *bins = (const BIN_TYPE *)part->bins.buf + c;                      \
                const char *uc = (const char *)part->u.buf + c * part->u.strides[1];              \
                const Py_ssize_t u_row_stride = part->u.strides[0];                               \
                double *out = (double *)part->out.buf + c;                                        \
                int64_t *exact_index = (int64_t *)part->exact_index.buf;                          \
                const Py_ssize_t exact_capacity = part->exact_index.len / 8;                      \
                const Py_ssize_t rows = part->rows;                                               \
                Py_ssize_t exact = part->exact;                                                   \
                for (Py_ssize_t r = 0; r < rows; r++) {                                           \
                    if (line < lines) {                                                           \
                        PREFETCH(line < ahead_lines[0] ? ahead[0] + 64 * line                     \
                                 : ahead[1] + 64 * (line - ahead_lines[0]));                      \
                        line++;                                                                   \
                    }                                                                             \
                    const Py_ssize_t base = first + (Py_ssize_t)bins[r * columns] * SEGMENTS;      \
                    const double v = table_value(table, table_segments, fine, fine_segments, base, \
                                                 *(const float *)(uc + r * u_row_stride), &bad);  \
                    out[r * columns] = v;                                                         \
                    if (v != v) {                                                                 \
                        if (exact < exact_capacity) exact_index[exact] = (int64_t)(r * columns + c); \
                        exact++;                                                                  \
                    }                                                                             \
                }                                                                                 \
                if (bad) return -1;                                                               \
                part->exact = exact;                                                              \
            }                                                                                     \
        }                                                                                         \
        return 0;                                                                                 \
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

/* Acquire one part's buffers (all or none) and check them against the column count. */
static int
acquire_part(PyObject *item, Py_ssize_t index, Py_ssize_t bin_itemsize, Py_ssize_t columns, Part *part)
{
    PyObject *bins, *u, *out, *exact_index;
    if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "OOOO", &bins, &u, &out, &exact_index)) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "part %zd must be a tuple (bins, u, out, exact_index).", index);
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
    if (part->u.ndim != 2 || part->u.itemsize != 4 || part->u.format == NULL || strcmp(part->u.format, "f") != 0
        || part->u.shape[1] != columns) {
        PyErr_Format(PyExc_ValueError, "u of part %zd must be a 2-D float32 array with %zd columns.", index,
                     columns);
        goto fail;
    }
    part->rows = part->u.shape[0];
    part->exact = 0;
    if (expect_length(&part->bins, part->rows * columns, bin_itemsize, "bins")
        || expect_length(&part->out, part->rows * columns, 8, "out")) {
        goto fail;
    }
    return 0;
fail:
    if (got > 3) PyBuffer_Release(&part->exact_index);
    if (got > 2) PyBuffer_Release(&part->out);
    if (got > 1) PyBuffer_Release(&part->bins);
    if (got > 0) PyBuffer_Release(&part->u);
    return -1;
}

PyDoc_STRVAR(within_bin_values_doc,
"within_bin_values(parts, bin_itemsize, first_segment, table, fine, segments, subsegments, prefetch_rows) -> list\n\n"
"Within-bin values of (rows, columns) draws from the cubic tables.\n\n"
"parts: sequence of (bins, u, out, exact_index), one per block of draws (all with the same\n"
"columns): bins C-contiguous int8/int16/int32 (bin_itemsize 1, 2 or 4 bytes); u a 2-D float32\n"
"array (rows, columns), any strides (column-major reads fastest); out a writable C-contiguous\n"
"float64 (rows, columns); exact_index a writable int64 buffer. first_segment: int64 first table\n"
"segment of each column; table: float64 (table_segments, 4) coefficients c0..c3 (a row\n"
"(NaN, first, *, *) sends the draw to `subsegments` rows of `fine` from row `first`); fine:\n"
"float64 (fine_segments, 4); segments: segments per bin (both counts must be the built-in\n"
"256 and 16); prefetch_rows: int64 (columns, 4) rows [first, stop) of each column's segments\n"
"in table and of its finer ones in fine, read ahead a column early (no value depends on it;\n"
"may be empty). Returns, per part, how many values are NaN (to be computed exactly); the\n"
"first len(exact_index) of their flat indices (row * columns + column) are in its exact_index,\n"
"column by column (not sorted).");

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
    sequence = PySequence_Fast(part_list, "parts must be a sequence of (bins, u, out, exact_index).");
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
    }
    PyMem_Free(parts);
    Py_XDECREF(sequence);
    PyBuffer_Release(&first_segment);
    PyBuffer_Release(&table);
    PyBuffer_Release(&fine);
    PyBuffer_Release(&prefetch_rows);
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
