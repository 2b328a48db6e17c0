"""The within-bin draws use a table of the truncated normal's inverse CDF: how close to exact they are.

Draws on the table's cubic segments are within ``INVERSE_CDF_TOLERANCE`` (1e-6) bin
standard deviations of scipy's ``truncnorm.ppf``; steep segments are split into 16 finer ones,
and only the steepest end of a bin's tail is computed exactly (about 0.1% of the draws). The
bound is the cubic Hermite remainder
``h**4 / 384 * max |x''''|``; measured max error over the four tables below (40k points per
bin, against scipy's ``truncnorm.ppf``): 8.0e-7 bin standard deviations (with or without the split).
"""
import numpy as np
import pytest
from scipy import stats
from sklearn.datasets import load_breast_cancer

from lime_tabular import LimeTabularExplainer

#: The test's bound; INVERSE_CDF_TOLERANCE in lime_tabular._fit.
MAX_ERROR_IN_BIN_STDS = 1e-6


def _tables():
    rng = np.random.default_rng(0)
    yield load_breast_cancer().data
    yield rng.normal(size=(2000, 5))
    yield rng.exponential(size=(2000, 5))
    yield np.round(rng.lognormal(size=(3000, 4)), 2)


@pytest.mark.parametrize("data", list(_tables()), ids=["breast_cancer", "normal", "exponential", "lognormal"])
def test_within_bin_values_match_the_exact_truncated_normal(data):
    explainer = LimeTabularExplainer(data, random_state=0)
    rep = explainer.representation(data[0])
    disc = rep.model.discretizer
    u = np.concatenate([np.linspace(0, 1, 20001, dtype=np.float32)[:-1],
                        np.random.default_rng(1).random(20000, dtype=np.float32)])
    for b in range(4):
        bins = np.full((u.size, data.shape[1]), b, dtype=np.int8)
        values = rep._within_bins(bins, np.repeat(u[:, None], data.shape[1], axis=1))
        for c in range(data.shape[1]):
            lo, hi = disc.mins[c][b], disc.maxs[c][b]
            mean, std = disc.means[c][b], disc.stds[c][b]
            assert lo <= values[:, c].min() and values[:, c].max() <= hi  # never leaves the bin
            if lo == hi:
                assert np.all(values[:, c] == lo)
                continue
            where = np.clip(u.astype(float), 1e-7, 1 - 1e-7)
            exact = stats.truncnorm.ppf(where, (lo - mean) / std, (hi - mean) / std, loc=mean, scale=std)
            error = np.max(np.abs(values[:, c] - exact)) / std
            # scipy's ppf itself is accurate to ~1e-9 here
            assert error <= MAX_ERROR_IN_BIN_STDS, (c, b, error)


def test_within_bin_draws_are_identical_whatever_the_row_blocks():
    data = load_breast_cancer().data
    rep = LimeTabularExplainer(data, random_state=0).representation(data[3])
    hood = rep.sample(3000, np.random.default_rng(0))
    whole = hood.model_input(0, 3000)
    parts = np.vstack([hood.model_input(a, min(a + 700, 3000)) for a in range(0, 3000, 700)])
    np.testing.assert_array_equal(whole, parts)


def test_a_table_too_wide_for_the_inverse_cdf_table_draws_exactly(monkeypatch):
    import lime_tabular._fit as fit

    data = load_breast_cancer().data
    rep = LimeTabularExplainer(data, random_state=0).representation(data[3])
    hood = rep.sample(500, np.random.default_rng(0))
    with_table = hood.model_input(0, 500)
    monkeypatch.setattr(fit, "MAX_INVERSE_CDF_TABLE_BYTES", 0)
    rep = LimeTabularExplainer(data, random_state=0).representation(data[3])
    assert rep.model.bin_cubic is None
    exact = rep.sample(500, np.random.default_rng(0)).model_input(0, 500)
    stds = np.abs(rep.model.bin_table[3][rep.model.bin_offsets + hood.model_input.draws.states[1:]])
    assert np.max(np.abs(exact[1:] - with_table[1:]) / stds) <= MAX_ERROR_IN_BIN_STDS
    np.testing.assert_array_equal(exact[0], with_table[0])


@pytest.fixture(params=[True, False], ids=["vector", "scalar"])
def vector_pass(request):
    """The compiled table pass with its AVX2 path (where the processor has it) and without."""
    import lime_tabular._representation as representation

    if representation._compiled is None:
        pytest.skip("lime_tabular._compiled is not built (no C compiler at install)")
    before = representation._compiled.vector_pass()
    if request.param and not representation._compiled.vector_pass(True):
        pytest.skip("no AVX2 on this processor")
    representation._compiled.vector_pass(request.param)
    yield request.param
    representation._compiled.vector_pass(before)


@pytest.mark.parametrize("data", list(_tables()), ids=["breast_cancer", "normal", "exponential", "lognormal"])
def test_compiled_table_pass_equals_the_numpy_path_bit_for_bit(data, vector_pass):
    import lime_tabular._representation as representation

    rep = LimeTabularExplainer(data, random_state=0).representation(data[0])
    m = rep.model
    first = m.bin_offsets * 256
    rng = np.random.default_rng(2)
    for dtype in (np.int8, np.int16, np.int32):
        bins = rng.integers(0, 4, size=(3001, data.shape[1])).astype(dtype)
        u = rng.random(bins.shape, dtype=np.float32)
        ends = np.array([0.0, np.nextafter(np.float32(1), np.float32(0)), 0.5], dtype=np.float32)
        u[:3] = ends[:, None]  # both ends of [0, 1) and a segment boundary
        [(numpy_values, numpy_exact, _)] = representation._evaluate_table(m.bin_cubic, m.bin_cubic_fine, first,
                                                                          [(bins, u, None)])
        assert numpy_exact.size > 0  # the steepest tails are left to the exact path
        # row-major, a row slice of a wider row-major array, column-major and a row slice of a
        # column-major array, alone and as the second part of a joined pass (a hold-out block before it)
        wider = np.hstack([u, u])[:, :data.shape[1]]
        for layout in (u, wider, np.asfortranarray(u), np.asfortranarray(np.vstack([u, u]))[3001:]):
            [(compiled, compiled_exact, exact_u)] = representation._evaluate_table_compiled(
                m.bin_cubic, m.bin_cubic_fine, first, [(bins, layout, None)])
            np.testing.assert_array_equal(compiled, numpy_values)  # NaN where both leave it to the exact path
            np.testing.assert_array_equal(np.sort(compiled_exact), numpy_exact)
            np.testing.assert_array_equal(exact_u, u.reshape(-1)[compiled_exact])  # the uniforms of those draws
            _, (joined, joined_exact, _) = representation._evaluate_table_compiled(
                m.bin_cubic, m.bin_cubic_fine, first, [(bins[:7], u[:7], None), (bins, layout, None)])
            np.testing.assert_array_equal(joined, numpy_values)
            np.testing.assert_array_equal(np.sort(joined_exact), numpy_exact)


@pytest.mark.parametrize("columns", [30, 5, 4, 1])
def test_the_pass_computes_keyed_uniforms_as_numpy_does(vector_pass, columns):
    import lime_tabular._representation as representation

    data = load_breast_cancer().data[:, :columns]
    m = LimeTabularExplainer(data, random_state=0).representation(data[0]).model
    first = m.bin_offsets * 256
    rng = np.random.default_rng(8)
    key = 0x0123456789ABCDEF
    rows = 2001
    bins = rng.integers(0, 4, size=(rows, columns)).astype(np.int8)
    u = representation.keyed_uniforms(key, 0, rows, columns)
    assert u.dtype == np.float32 and 0 <= u.min() and u.max() < 1 and abs(float(u.mean()) - 0.5) < 0.02
    [(expected, expected_exact, _)] = representation._evaluate_table(m.bin_cubic, m.bin_cubic_fine, first,
                                                                     [(bins, u, None)])
    for lo, hi in ((0, rows), (1, rows), (700, 1300)):  # any rows: a row's values do not depend on the others
        np.testing.assert_array_equal(representation.keyed_uniforms(key, lo, hi - lo, columns), u[lo:hi])
        part = np.array([key, lo], dtype=np.uint64)
        [(values, exact, exact_u)] = representation._evaluate_table_compiled(
            m.bin_cubic, m.bin_cubic_fine, first, [(bins[lo:hi], part, None)])
        np.testing.assert_array_equal(values, expected[lo:hi])
        np.testing.assert_array_equal(exact_u, u[lo:hi].reshape(-1)[exact])
        inside = expected_exact[(expected_exact >= lo * columns) & (expected_exact < hi * columns)]
        np.testing.assert_array_equal(np.sort(exact + lo * columns), inside)


def test_keyed_uniforms_are_uniform_and_independent():
    import lime_tabular._representation as representation

    u = representation.keyed_uniforms(2024, 0, 40_000, 7).astype(float)
    assert abs(u.mean() - 0.5) < 0.002 and abs(u.var() - 1 / 12) < 0.001
    counts = np.histogram(u, bins=20, range=(0, 1))[0]
    assert counts.min() > 0.97 * 14_000 and counts.max() < 1.03 * 14_000
    corr = np.corrcoef(u.T)  # columns (the two halves of a word among them) and rows
    assert np.abs(corr[np.triu_indices(7, 1)]).max() < 0.02
    assert abs(np.corrcoef(u[:-1, 0], u[1:, 0])[0, 1]) < 0.02
    assert not np.array_equal(representation.keyed_uniforms(2025, 0, 5, 7), u[:5])


def test_the_vector_pass_is_used_where_the_processor_has_avx2():
    import platform

    import lime_tabular._representation as representation

    if representation._compiled is None:
        pytest.skip("lime_tabular._compiled is not built (no C compiler at install)")
    try:
        with open("/proc/cpuinfo") as f:
            avx2 = " avx2" in f.read()
    except OSError:
        pytest.skip("no /proc/cpuinfo")
    if platform.machine() not in ("x86_64", "AMD64") or not avx2:
        pytest.skip("not an x86-64 processor with AVX2")
    assert representation._compiled.vector_pass() is True


def test_an_explanation_is_the_same_with_and_without_the_vector_pass(vector_pass):
    data = load_breast_cancer().data
    model = lambda Z: 1 / (1 + np.exp(-(Z[:, 3] - 600) / 200))  # noqa: E731
    explainer = LimeTabularExplainer(data, mode="regression", random_state=0)
    exp = explainer.explain_instance(data[11], model, num_samples=1500)
    import lime_tabular._representation as representation

    representation._compiled.vector_pass(not vector_pass)
    assert explainer.explain_instance(data[11], model, num_samples=1500) == exp


def test_steep_segments_are_split_and_few_draws_are_left_exact():
    import lime_tabular._representation as representation

    data = load_breast_cancer().data
    m = LimeTabularExplainer(data, random_state=0).representation(data[0]).model
    cubic, fine, g = m.bin_cubic, m.bin_cubic_fine, 256
    split = np.isnan(cubic[:, 0]) & ~np.isnan(cubic[:, 1])
    assert split.any() and fine.shape[0] == 16 * split.sum()
    np.testing.assert_array_equal(cubic[split, 1], 16 * np.arange(split.sum()))
    # a missing or unseen state's bin is never split: its draws stay NaN (the exact path gives NaN)
    padding = np.repeat(~np.isfinite(m.bin_table[4]), g)
    assert not split[padding].any()
    # uniform draws in the bins that hold values: about 0.1% are left exact (2.4% without the split)
    u = np.random.default_rng(0).random((20000, 30), dtype=np.float32)
    bins = np.random.default_rng(1).integers(0, 4, size=u.shape).astype(np.int8)
    [(values, exact, _)] = representation._evaluate_table(cubic, fine, m.bin_offsets * g, [(bins, u, None)])
    assert 0 < exact.size / u.size < 0.003
    assert np.isfinite(np.delete(values.ravel(), exact)).all()


def test_compiled_table_pass_refuses_a_bin_outside_the_table():
    import lime_tabular._representation as representation

    if representation._compiled is None:
        pytest.skip("lime_tabular._compiled is not built (no C compiler at install)")
    data = load_breast_cancer().data
    m = LimeTabularExplainer(data, random_state=0).representation(data[0]).model
    bins = np.full((2, data.shape[1]), 100, dtype=np.int8)
    with pytest.raises(ValueError, match="outside the within-bin table"):
        representation._evaluate_table_compiled(m.bin_cubic, m.bin_cubic_fine, m.bin_offsets * 256,
                                                [(bins, np.zeros(bins.shape, dtype=np.float32), None)])


def test_compiled_table_pass_refuses_other_segment_counts_and_malformed_parts():
    import lime_tabular._representation as representation

    if representation._compiled is None:
        pytest.skip("lime_tabular._compiled is not built (no C compiler at install)")
    data = load_breast_cancer().data
    m = LimeTabularExplainer(data, random_state=0).representation(data[0]).model
    bins = np.zeros((2, data.shape[1]), dtype=np.int8)
    u = np.zeros(bins.shape, dtype=np.float32)
    part = (bins, u, np.empty(bins.shape), np.empty(8, dtype=np.int64), np.empty(8, dtype=np.float32))
    first, rows = m.bin_offsets * 256, m.bin_cubic_rows
    with pytest.raises(ValueError, match="must be 256 and 16"):
        representation._compiled.within_bin_values([part], 1, first, m.bin_cubic, m.bin_cubic_fine, 128, 16, rows)
    with pytest.raises(TypeError, match="part 0 must be a tuple"):
        representation._compiled.within_bin_values([part[:4]], 1, first, m.bin_cubic, m.bin_cubic_fine, 256, 16,
                                                   rows)
    with pytest.raises(ValueError, match="exact_u must hold 8 items of 4 bytes"):
        representation._compiled.within_bin_values([(*part[:4], np.empty(7, dtype=np.float32))], 1, first,
                                                   m.bin_cubic, m.bin_cubic_fine, 256, 16, rows)
    with pytest.raises(ValueError, match=r"one integer type; got item sizes \[1, 2\]"):
        representation._evaluate_table_compiled(m.bin_cubic, m.bin_cubic_fine, first,
                                                [(bins, u, None), (bins.astype(np.int16), u, None)])
    with pytest.raises(ValueError, match=r"u of part 0 must be a 2-D float32 array with 30 columns or uint64 \(key"):
        representation._compiled.within_bin_values([(bins, u[:, :5], *part[2:])], 1, first, m.bin_cubic,
                                                   m.bin_cubic_fine, 256, 16, rows)


@pytest.mark.parametrize("continuous", [0, 1, 2, 3, 8, 12, 29])
def test_compiled_state_pass_equals_the_numpy_path(vector_pass, continuous):
    import lime_tabular._representation as representation

    # 1 to 30 features: one partial chunk of 8, whole chunks, and whole chunks with a partial one
    rng = np.random.default_rng(3)
    data = np.column_stack([rng.normal(size=(400, continuous)), rng.integers(0, 5, size=400)])
    if continuous >= 2:
        data[rng.random(400) < 0.1, 1] = np.nan  # a missing state, sampled at its training rate
    rep = LimeTabularExplainer(data, categorical_features=[continuous], random_state=0).representation(data[5])
    m = rep.model
    f = continuous + 1
    u = rng.random((2000, f), dtype=np.float32)
    u[:4] = m.cum_small[:, :1].T  # a draw exactly on a threshold counts it (u >= threshold)
    # the outputs are views of larger buffers: the pass must not write past them
    guard_states, guard_same = np.full(2000 * f + 16, 77, dtype=np.int8), np.full(2000 * f + 16, 77, dtype=np.int8)
    states, same = guard_states[:2000 * f].reshape(2000, f), guard_same[:2000 * f].reshape(2000, f)
    count = np.empty(2000, dtype=np.int64)
    thresholds = np.ascontiguousarray(m.cum_small.T)
    representation._compiled.draw_states(u, thresholds, rep._row_states.astype(np.int8), states, same, count)
    assert (guard_states[2000 * f:] == 77).all() and (guard_same[2000 * f:] == 77).all()
    np.testing.assert_array_equal(states, m.draw_states(u))
    np.testing.assert_array_equal(same, states == rep._row_states)
    np.testing.assert_array_equal(count, (states == rep._row_states).sum(axis=1))


@pytest.mark.parametrize("continuous", [2, 12, 29])
def test_the_state_pass_draws_what_the_stream_would_fill(vector_pass, continuous):
    import lime_tabular._representation as representation
    from lime_core import UniformStream

    rng = np.random.default_rng(4)
    data = np.column_stack([rng.normal(size=(300, continuous)), rng.integers(0, 3, size=300)])
    rep = LimeTabularExplainer(data, categorical_features=[continuous], random_state=0).representation(data[2])
    m, f = rep.model, continuous + 1
    for rows in (1, 777, 3001):  # odd counts of odd rows, several blocks of the pass
        drawn, filled = UniformStream(np.random.default_rng(rows)), UniformStream(np.random.default_rng(rows))
        got = [np.empty((rows, f), dtype=np.int8), np.empty((rows, f), dtype=np.int8), np.empty(rows, dtype=np.int64)]
        representation._compiled.draw_states_from_stream(drawn.state, m.reached_thresholds,
                                                         rep._row_states.astype(np.int8), *got)
        u = filled.draw((rows, f))
        np.testing.assert_array_equal(got[0], m.draw_states(u))
        np.testing.assert_array_equal(got[1], got[0] == rep._row_states)
        np.testing.assert_array_equal(got[2], got[1].sum(axis=1))
        np.testing.assert_array_equal(drawn.state, filled.state)  # advanced as the fill advanced it
    with pytest.raises(ValueError, match="state must be 4 uint64"):
        representation._compiled.draw_states_from_stream(np.zeros(3, dtype=np.uint64), m.reached_thresholds,
                                                         rep._row_states.astype(np.int8), *got)


def test_the_compiled_table_pass_is_built_in_ci():
    # the install builds it with the machine's C compiler; a silent fallback would only be slower
    import os

    import lime_tabular._representation as representation

    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip("only required where CI=true")
    assert representation._compiled is not None, "lime_tabular._compiled was not built"


def test_an_explanation_is_the_same_with_and_without_the_compiled_passes(monkeypatch):
    import lime_tabular._representation as representation

    if representation._compiled is None:
        pytest.skip("lime_tabular._compiled is not built (no C compiler at install)")
    data = load_breast_cancer().data
    model = lambda Z: 1 / (1 + np.exp(-(Z[:, 0] - 14) / 3))  # noqa: E731
    explainer = LimeTabularExplainer(data, mode="regression", random_state=0)
    compiled = explainer.explain_instance(data[7], model, num_samples=2000)
    monkeypatch.setattr(representation, "_compiled", None)
    assert explainer.explain_instance(data[7], model, num_samples=2000) == compiled
    import lime_core._designs as designs  # the core's uniform stream too

    monkeypatch.setattr(designs, "_compiled", None)
    assert explainer.explain_instance(data[7], model, num_samples=2000) == compiled
    import lime_core._binary as binary  # and the surrogate's sums over the binary z'

    monkeypatch.setattr(binary, "_compiled", None)
    assert explainer.explain_instance(data[7], model, num_samples=2000) == compiled
