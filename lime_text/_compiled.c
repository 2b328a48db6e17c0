/* lime_text's perturbed documents, compiled (NumPy twin: TextAssembler.build in _perturb.py).
 *
 * The text is cut into pieces (tokens, mask strings, the text between tokens); a document keeps
 * piece p when its gate, column piece_gate[p] of its row of `gates`, is set. gather_pieces lays the
 * kept pieces' UTF-8 bytes end to end, row after row, and records each row's byte count. Pieces
 * of at most 16 bytes (nearly all) are copied with one fixed-size copy and the write position
 * advances only when the piece is kept, so the loop does not branch on the gates.
 *
 * Only the buffer protocol is used: no NumPy headers are needed to build it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define SHORT_PIECE 16

PyDoc_STRVAR(gather_pieces_doc,
"gather_pieces(gates, piece_gate, piece_start, piece_bytes, source, out, row_bytes) -> int\n\n"
"gates: C-contiguous uint8 (rows, columns), non-zero keeps; piece_gate, piece_start,\n"
"piece_bytes: int64 (pieces,), the gate column, byte offset in source and byte length of each\n"
"piece; source: the pieces' bytes followed by at least 16 padding bytes; out: writable bytes,\n"
"at least the kept bytes plus 16; row_bytes: writable int64 (rows,). Returns the bytes written.");

static PyObject *
gather_pieces(PyObject *module, PyObject *args)
{
    Py_buffer gates, piece_gate, piece_start, piece_bytes, source, out, row_bytes;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*w*w*", &gates, &piece_gate, &piece_start, &piece_bytes, &source,
                          &out, &row_bytes)) {
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t pieces = piece_gate.len / 8;
    const Py_ssize_t rows = row_bytes.len / 8;
    const Py_ssize_t columns = rows > 0 ? gates.len / rows : 0;
    const int64_t *gate_of = (const int64_t *)piece_gate.buf;
    const int64_t *start_of = (const int64_t *)piece_start.buf;
    const int64_t *length_of = (const int64_t *)piece_bytes.buf;
    if (piece_start.len != 8 * pieces || piece_bytes.len != 8 * pieces || (rows > 0 && gates.len != rows * columns)) {
        PyErr_SetString(PyExc_ValueError, "gates must be (rows, columns) and the piece arrays int64 of one length.");
        goto done;
    }
    for (Py_ssize_t p = 0; p < pieces; p++) {  /* every read stays inside the buffers */
        if (gate_of[p] < 0 || gate_of[p] >= columns || start_of[p] < 0 || length_of[p] < 0
            || start_of[p] + (length_of[p] > SHORT_PIECE ? length_of[p] : SHORT_PIECE) > source.len) {
            PyErr_Format(PyExc_ValueError, "piece %zd lies outside the gates or the padded source.", p);
            goto done;
        }
    }
    const uint8_t *row_gates = (const uint8_t *)gates.buf;
    const char *text = (const char *)source.buf;
    char *write = (char *)out.buf;
    char *const end = write + out.len;
    int64_t *row_length = (int64_t *)row_bytes.buf;
    int overflow = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < rows && !overflow; r++, row_gates += columns) {
        char *const row_start = write;
        for (Py_ssize_t p = 0; p < pieces; p++) {
            const int64_t length = length_of[p];
            const int keep = row_gates[gate_of[p]] != 0;
            const int64_t copied = length <= SHORT_PIECE ? SHORT_PIECE : keep ? length : 0;
            if (end - write < copied) {
                overflow = 1;
                break;
            }
            if (length <= SHORT_PIECE) {
                memcpy(write, text + start_of[p], SHORT_PIECE);
            } else if (keep) {
                memcpy(write, text + start_of[p], (size_t)length);
            }
            write += keep ? length : 0;
        }
        row_length[r] = (int64_t)(write - row_start);
    }
    Py_END_ALLOW_THREADS
    if (overflow) {
        PyErr_SetString(PyExc_ValueError, "out is too small for the kept pieces (plus 16 bytes).");
        goto done;
    }
    result = PyLong_FromSsize_t((Py_ssize_t)(write - (char *)out.buf));
done:
    PyBuffer_Release(&gates);
    PyBuffer_Release(&piece_gate);
    PyBuffer_Release(&piece_start);
    PyBuffer_Release(&piece_bytes);
    PyBuffer_Release(&source);
    PyBuffer_Release(&out);
    PyBuffer_Release(&row_bytes);
    return result;
}

static PyMethodDef methods[] = {
    {"gather_pieces", gather_pieces, METH_VARARGS, gather_pieces_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_compiled",
    "Compiled perturbed documents of lime_text (see lime_text/_perturb.py).", -1, methods,
};

PyMODINIT_FUNC
PyInit__compiled(void)
{
    return PyModule_Create(&module_def);
}
