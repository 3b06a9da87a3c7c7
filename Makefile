# Vitals: the README's quick start is `make demo` and `make test`.
# Both install what is missing (OpenBLAS from Debian's libopenblas-dev) and build what they need.

SWIFT      ?= swift
DEMO_DIR   ?= demo
PYTHON     ?= python3
# apt-get needs root: use sudo only when we are not root already.
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN = .build/release/vitals

.PHONY: all deps build release demo test bench-ingest bench-train clean

all: build

# Installs what the build needs from Debian when it is absent: libopenblas-dev (BLAS/LAPACK),
# libsqlite3-dev (the score history, through GRDB) and pkg-config, which SwiftPM uses to find them.
deps:
	@if ! pkg-config --exists openblas sqlite3 2>/dev/null; then \
		echo "==> installing libopenblas-dev and libsqlite3-dev with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libopenblas-dev libsqlite3-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product vitals

# The main job on the built-in simulated book of business.
demo: release
	@rm -rf $(DEMO_DIR)
	$(RELEASE_BIN) simulate --out $(DEMO_DIR)/signals --truth $(DEMO_DIR)/truth --seed 42
	$(RELEASE_BIN) validate $(DEMO_DIR)/signals

# The whole test suite (unit, fixture, property and end-to-end tests).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Throughput of the hand-written CSV reader against a Swift CSV package, in MB/s.
bench-ingest: deps
	$(MAKE) -C Benchmarks ingest

# Fit time on 1,000,000 × 64 against scikit-learn's lbfgs in the same run (needs python3 with scikit-learn).
bench-train: deps
	@$(PYTHON) -c 'import sklearn' 2>/dev/null || $(PYTHON) -m pip install -q scikit-learn
	$(MAKE) -C Benchmarks train

clean:
	rm -rf .build $(DEMO_DIR)
