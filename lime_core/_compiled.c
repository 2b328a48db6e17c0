/* lime_core's compiled passes: float32 uniforms in one pass, with no intermediate array.
 *
 * - fill_uniform_float32 (NumPy twin: lime_core._designs.uniform_float32): from a NumPy bit
 *   generator. Each 64-bit raw draw of the generator
 * (what BitGenerator.random_raw returns) gives two uniforms, its low 32 bits first, each
 * (b >> 8) * 2**-24: the values Generator.random(dtype=np.float32) takes. Written in one pass
 *   into the caller's buffer.
 * - sfc64_fill_uniform_float32 (NumPy twin: UniformStream's NumPy path): the same from
 *   SFC64 (Chris Doty-Humphrey's Small Fast Chaotic generator, numpy.random.SFC64's
 *   algorithm step for step), inlined: about 0.5 ns per draw instead of a call per draw.
 *
 * The generator is reached through its "BitGenerator" capsule (NumPy's documented C
 * interface to bit generators); the caller holds the generator's lock. Only the buffer
 * protocol and the capsule are used: no NumPy headers are needed to build it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* NumPy's bitgen_t (numpy/random/bitgen.h). */
typedef struct {
    void *state;
    uint64_t (*next_uint64)(void *state);
    uint32_t (*next_uint32)(void *state);
    double (*next_double)(void *state);
    uint64_t (*next_raw)(void *state);
} bitgen_t;

/* A float32 uniform from 32 random bits: (b >> 8) * 2**-24, as Generator.random(dtype=np.float32). */
static inline float
uniform24(uint32_t bits)
{
    return (float)(bits >> 8) * (1.0f / 16777216.0f);
}

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

static PyMethodDef methods[] = {
    {"fill_uniform_float32", fill_uniform_float32, METH_VARARGS, fill_uniform_float32_doc},
    {"sfc64_fill_uniform_float32", sfc64_fill_uniform_float32, METH_VARARGS, sfc64_fill_uniform_float32_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "lime_core._compiled",
    "Float32 uniforms in one pass (twins in lime_core._designs).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__compiled(void)
{
    return PyModule_Create(&module);
}
