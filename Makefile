# Two commands matter: `make serve` and `make test`. Each sets up what is
# missing first; set-up is idempotent and downloads nothing a second time.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# The shipped files, from the one place their paths are declared.
SHIPPED := $(shell python3 -c "exec(open('app/shared/shipped.py').read()); \
	print(MANIFEST, *PRETRAINED.values(), PRETRAINED_INFERENCE, C_STEP)")
DATA := $(word 1,$(SHIPPED))
# The peer systems `make bench` measures the page against; never part of the page.
ANCHORS := tools/bench/anchors/node_modules/.package-lock.json
# Lighthouse, for `make audit` only; never part of the page. Installed outside
# this folder: its lists of third-party origins must not sit where people serve from.
LIGHTHOUSE_HOME := $(HOME)/.cache/digits-lighthouse
LIGHTHOUSE := $(LIGHTHOUSE_HOME)/node_modules/.package-lock.json
# axe-core, for the browser tests' accessibility checks only; never part of the page.
AXE := tests/axe/node_modules/.package-lock.json
WEIGHTS := $(wordlist 2,4,$(SHIPPED))

# The MLP's training step in C: WebAssembly with SIMD for the worker (an
# Emscripten side module, which Pyodide links into its memory), and native for
# the unit tests under CPython.
STEP_C := app/worker/mlp_step.c
STEP_WASM := $(word 5,$(SHIPPED))
STEP_NATIVE := .cache/mlp_step.so
# The C step's sizes, from the one place they are declared.
DIGIT_DEFINES := $(shell python3 -c "exec(open('app/shared/digit.py').read()); \
	print('-DPIXELS=%d -DCLASSES=%d' % (PIXELS, CLASSES))")

.PHONY: setup serve test unit bench soak audit dist screenshots vendor lists data weights offline browser clean

setup: $(VENV)/.installed vendor lists $(DATA) $(WEIGHTS) $(STEP_WASM) $(STEP_NATIVE) offline

$(STEP_WASM): $(STEP_C) app/shared/digit.py
	@sh tools/build/ensure_clang.sh
	@mkdir -p $(@D) .cache
	clang --target=wasm32-unknown-emscripten -ffreestanding -fPIC -fvisibility=default \
		-O3 -msimd128 $(DIGIT_DEFINES) -c $< -o .cache/mlp_step.wasm.o
	wasm-ld --experimental-pic -shared .cache/mlp_step.wasm.o -o $@

$(STEP_NATIVE): $(STEP_C) app/shared/digit.py
	@sh tools/build/ensure_clang.sh
	@mkdir -p $(@D)
	clang -O3 -shared -fPIC $(DIGIT_DEFINES) $< -o $@ -lm

# digits.pth puts app/ (the page's packages: shared, worker) and this folder
# (tools, tests) on the venv's path: no script changes sys.path.
$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	printf '%s\n' "$(CURDIR)/app" "$(CURDIR)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/digits.pth"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ANCHORS): tools/bench/anchors/package.json tools/bench/anchors/package-lock.json
	npm ci --prefix tools/bench/anchors --no-audit --no-fund --loglevel=error
	touch $@

$(LIGHTHOUSE): tools/audit/package.json tools/audit/package-lock.json
	mkdir -p $(LIGHTHOUSE_HOME)
	cp tools/audit/package.json tools/audit/package-lock.json $(LIGHTHOUSE_HOME)/
	npm ci --prefix $(LIGHTHOUSE_HOME) --no-audit --no-fund --loglevel=error
	touch $@

$(AXE): tests/axe/package.json tests/axe/package-lock.json
	npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error
	touch $@

vendor: node_modules/.package-lock.json $(VENV)/.installed
	$(PY) -m tools.build.vendor

# The lists of files index.html and pyscript.toml load, written from the imports
# in app/ and the chunk names in static/vendor (tools/build/page_lists.py): on
# every set-up, as app/**/*.py may have changed (a fraction of a second; a file
# is rewritten only if a list changed). Commit what it rewrites. On CI (CI set)
# it only checks, so a commit with stale lists fails there.
lists: $(VENV)/.installed vendor
	$(PY) -m tools.build.page_lists $(if $(CI),--check)

$(DATA): node_modules/.package-lock.json $(VENV)/.installed tools/build/build_data.py app/shared/blocks.py
	$(PY) -m tools.build.build_data --keep-idx

# `make data IDX=/path/to/idx-dir` builds blocks from full MNIST or Fashion-MNIST.
data: node_modules/.package-lock.json $(VENV)/.installed
	$(PY) -m tools.build.build_data $(if $(IDX),--idx $(IDX))

# The shipped weights are in git: every clone serves and tests the same models,
# the ones docs/benchmarks.md measures. OpenBLAS picks its kernels by CPU, and
# kernels round differently (a Zen or Haswell kernel and a Sandy Bridge one
# trained MLPs of 98.13% and 98.47% held-out): retraining pins the AVX2 kernel.
# Run it after changing the code the models train with, and commit the result.
weights: $(DATA)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=Haswell $(PY) -m tools.build.train_weights

# offline-set.js: the files sw.js keeps, hashed afresh on every set-up (a
# fraction of a second), so any file changed makes a new version.
offline: $(VENV)/.installed vendor lists $(DATA) $(WEIGHTS) $(STEP_WASM)
	$(PY) -m tools.build.offline_set

serve: setup
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C stops)"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1

browser:
	@sh tools/build/ensure_browser.sh

unit: setup
	$(PY) -m pytest -q tests/unit

# The tests in two processes, each with its own server and Chromium: a browser
# test spends much of its time waiting on a page (boot, training), so two at a
# time finish sooner even on 2 cores (compare: `pytest -n 0 --durations=0`).
JOBS ?= 2
test: setup browser $(AXE)
	$(PY) -m pytest -q -n $(JOBS) --dist worksteal tests

# Prints one JSON line and writes docs/benchmarks.md, the only way that file
# changes (10 to 20 minutes, on both cores: run nothing else meanwhile).
# Native figures use one BLAS thread, as the page's worker has one: with two on
# a loaded 2-core machine, the same step read 67,000 then 6,900 samples/s.
bench: setup browser $(ANCHORS)
	@sh tools/bench/ensure_fonts.sh
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(PY) -m tools.bench.bench

# Trains in headless Chromium for MINUTES, watching memory, statuses, clicks
# and long tasks; THROTTLE=4: on a slow device, the page and its workers 4x slower.
MINUTES ?= 10
THROTTLE ?= 1
soak: setup browser
	$(PY) -m tools.bench.soak --minutes $(MINUTES) --throttle $(THROTTLE)

# Lighthouse on the page from this folder and from a dist/ build, full and
# ?embed, mobile and desktop presets: scores and metrics, reports in .cache/audit/.
audit: setup browser $(LIGHTHOUSE)
	LIGHTHOUSE_HOME=$(LIGHTHOUSE_HOME) $(PY) -m tools.audit.audit

# dist/: only what the page needs at run time, for any static host and sub-path.
dist: setup
	$(PY) -m tools.build.dist

# docs/page.png and docs/embed.png for the README, taken of the real page.
screenshots: setup browser
	$(PY) -m tools.build.screenshot

clean:
	rm -rf $(VENV) node_modules tools/bench/anchors/node_modules $(LIGHTHOUSE_HOME) tests/axe/node_modules static/vendor static/data static/kernels .cache dist offline-set.js
