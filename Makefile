# SPDX-License-Identifier: GPL-2.0
#
# movops: the movable_ops rework as semantic patches, a reproducible commit
# series and its verification.  'make help' lists the targets.

# Debian's python3: spatch's Python rules run on it, and the tests use
# Debian's python3-pytest.
PY      := /usr/bin/python3
PYTEST  := $(PY) -m pytest -p no:cacheprovider
# Debian's python3 with scripts/ on its import path, for what is not in scripts/.
SPY     := scripts/py
# The cache and its parts are defined in scripts/core/cache.py ($MOVOPS_CACHE).
CACHE     := $(shell $(SPY) -m core.cache)
DEMO_DIR  := $(shell $(SPY) -m core.cache demo)
BENCH_DIR := $(shell $(SPY) -m core.cache bench)

KDIR    ?=
BRANCH  ?= movable-ops
PREREQ  ?=
OUT     ?=
STABLE  ?=

# Installs what is missing of a purpose's Debian packages (scripts/core/deps.py:
# series, tests, build, runtime; verify, runtime-check, check-fast, all).
ENSURE  := $(SPY) -m core.deps

prereq_args = $(foreach p,$(PREREQ),--prereq $(p))

.PHONY: help deps check check-fast check-realtree check-runtime demo \
	analyze apply verify runtime-check bench expected drift clean-cache

help:
	@echo "make demo                 run the series on Debian's linux-source-6.12 and verify it"
	@echo "make check                all tests: fixtures (seconds), real trees and a boot (minutes)"
	@echo "make check-fast           only the fixture and unit tests"
	@echo "make analyze KDIR=...     users, preconditions and blockers of a git kernel tree"
	@echo "make apply KDIR=... [PREREQ=\"drop-z3fold zsmalloc-page-type\"] [BRANCH=...] [OUT=dir] [STABLE=1]"
	@echo "                          the commit series on a new branch (patch files in OUT);"
	@echo "                          STABLE=1: one commit per upstream commit, for stable trees"
	@echo "make verify KDIR=... [RUNTIME=1]  build, sparse, bisect, checkpatch, golden checks"
	@echo "                          of the series (RUNTIME=1: and boot it in QEMU)"
	@echo "make runtime-check KDIR=... [MODULES=both|no|only]"
	@echo "                          boot the converted kernel (built in, with modules) and"
	@echo "                          watch pages migrate"
	@echo "make bench                timing tables of the series, verify and the runtime check"
	@echo "make expected             regenerate the golden files in expected/ (review the diff)"
	@echo "make drift                the series on every Debian 6.12 point release against its"
	@echo "                          golden: a report for maintainers, not part of make check"

deps:
	@$(ENSURE) all

# The layers, each timed (tests/layers.sh): the fast one first, so that a
# broken step shows in seconds, before any real tree is unpacked; then the
# real-tree and runtime layers side by side.  The fast layer's tests are
# independent and run on every core (pytest-xdist); the real-tree and
# runtime layers each share one verified series or one runtime cache per
# session, so each runs in one process.

check: deps
	@tests/layers.sh $(PYTEST)

check-fast:
	@$(ENSURE) check-fast
	@tests/layers.sh --fast $(PYTEST)

check-realtree: deps
	$(PYTEST) -v -m "realtree" tests

check-runtime: deps
	$(PYTEST) -v -m "runtime" tests

need-kdir = @test -n "$(KDIR)" || { echo "make $@: no tree given; run 'make $@ KDIR=/path/to/linux'" >&2; exit 1; }

analyze:
	$(need-kdir)
	@$(ENSURE) series
	scripts/apply-series.sh --analyze $(if $(STABLE),--stable) $(if $(OUT),--output $(OUT)) $(prereq_args) $(KDIR)

apply:
	$(need-kdir)
	@$(ENSURE) series
	scripts/apply-series.sh --branch $(BRANCH) $(if $(STABLE),--stable) $(prereq_args) $(if $(OUT),--output $(OUT)) $(KDIR)

verify:
	$(need-kdir)
	@$(ENSURE) verify
	$(PY) scripts/verify.py --branch $(BRANCH) $(if $(RUNTIME),--runtime) $(KDIR)

runtime-check:
	$(need-kdir)
	@$(ENSURE) all
	$(PY) scripts/runtime-check.py --rev $(BRANCH) $(if $(MODULES),--modules $(MODULES)) $(KDIR)

# The demo works on its own clone of the cached, baselined 6.12 tree, made
# afresh each time, so it never touches anything of the user's.
demo: deps
	@$(ENSURE) linux-source-6.12
	@tree=$$(scripts/prepare-tree.sh 6.12) || exit 1; \
	rm -rf $(DEMO_DIR); mkdir -p $(DEMO_DIR); \
	git clone -q --shared "$$tree" $(DEMO_DIR)/linux-6.12 || exit 1; \
	git -C $(DEMO_DIR)/linux-6.12 config user.name "movops demo"; \
	git -C $(DEMO_DIR)/linux-6.12 config user.email "movops-demo@localhost"; \
	echo; echo "== 1. Stock 6.12: z3fold has no page type, so the series would stop"; \
	scripts/apply-series.sh --analyze $(DEMO_DIR)/linux-6.12 | sed -n '/^Blockers/,$$p'; \
	echo; echo "== 2. Analysis with the drop-z3fold prerequisite"; \
	scripts/apply-series.sh --analyze --prereq drop-z3fold $(DEMO_DIR)/linux-6.12; \
	echo; echo "== 3. The series, with the drop-z3fold prerequisite"; \
	scripts/apply-series.sh --prereq drop-z3fold --output $(DEMO_DIR)/patches \
		$(DEMO_DIR)/linux-6.12 || exit 1; \
	echo; echo "== 4. Verification, with Debian's cloud-amd64 configuration (CONFIG_ZSMALLOC=m) added"; \
	cloud=$$(scripts/debian-config.sh cloud-amd64) || exit 1; \
	$(PY) scripts/verify.py --config $$cloud --json $(DEMO_DIR)/verify.json \
		$(DEMO_DIR)/linux-6.12; rc=$$?; \
	echo; echo "demo: tree    $(DEMO_DIR)/linux-6.12 (branch movable-ops)"; \
	echo "demo: patches $(DEMO_DIR)/patches"; \
	echo "demo: verify  $(DEMO_DIR)/verify.json"; \
	exit $$rc

bench: deps
	$(SPY) bench/bench-series.py
	@tree=$$(scripts/prepare-tree.sh -q --pinned 6.12) || exit 1; \
	rm -rf $(BENCH_DIR)/linux-6.12; mkdir -p $(BENCH_DIR); \
	git clone -q --shared "$$tree" $(BENCH_DIR)/linux-6.12 && \
	git -C $(BENCH_DIR)/linux-6.12 config user.name "movops bench" && \
	git -C $(BENCH_DIR)/linux-6.12 config user.email "movops-bench@localhost" && \
	scripts/apply-series.sh -q --prereq drop-z3fold $(BENCH_DIR)/linux-6.12 && \
	cloud=$$(scripts/debian-config.sh --pinned cloud-amd64) && \
	$(SPY) bench/bench-verify.py $(BENCH_DIR)/linux-6.12 && \
	$(SPY) bench/bench-verify.py --per-target --config $$cloud $(BENCH_DIR)/linux-6.12 && \
	$(SPY) bench/bench-runtime.py $(BENCH_DIR)/linux-6.12

expected: deps
	$(PY) scripts/make-expected.py

# A report, not a gate: it downloads and unpacks every point release
# (about 1.5 GB each in $MOVOPS_CACHE/src), so 'make check' never runs it.
drift:
	@$(ENSURE) series
	$(PY) scripts/drift.py

clean-cache:
	rm -rf $(CACHE)
