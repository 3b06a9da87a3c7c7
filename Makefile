# Vitals: the README's quick start is `make demo` and `make test`.
# Both install what is missing (OpenBLAS from Debian's libopenblas-dev) and build what they need.

SWIFT      ?= swift
DEMO_DIR   ?= demo
PYTHON     ?= python3
# apt-get needs root: use sudo only when we are not root already.
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN = .build/release/vitals
# Train on the simulated book up to this date; evaluate on the months after it.
CUTOFF     ?= 2025-06-30
EVAL_FROM  ?= 2025-07-01
# The demo scores a month before the end of the data first, so the lists show changes and new flags.
PREVIOUS_RUN ?= 2025-11-30


.PHONY: test-sql test-spark test-browser
.PHONY: all deps build release demo models test crash-test fuzz bench bench-ingest bench-train config-docs compare-behaviour clean
.PHONY: sql-venv spark-venv postgres-deps

all: build

# Installs what the build needs from Debian when it is absent: libopenblas-dev (BLAS/LAPACK),
# libsqlite3-dev (the score history, through GRDB), libisal-dev (ISA-L's inflate, for gzip-compressed
# signals files), zlib1g-dev (the fuzz target's and the tests' gzip writing, PNG reading) and
# pkg-config, which SwiftPM uses to find them.
deps:
	@if ! pkg-config --exists openblas sqlite3 zlib libisal 2>/dev/null; then \
		echo "==> installing libopenblas-dev, libsqlite3-dev, libisal-dev and zlib1g-dev with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libopenblas-dev libsqlite3-dev libisal-dev zlib1g-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product vitals

# The main job on the built-in simulated book of business: simulate, train both models up to
# CUTOFF, evaluate them on the months after it, score as of the last day, show the riskiest rows.
demo: release
	@rm -rf $(DEMO_DIR)
	$(RELEASE_BIN) simulate --out $(DEMO_DIR)/signals --truth $(DEMO_DIR)/truth --seed 42
	$(RELEASE_BIN) validate $(DEMO_DIR)/signals
	$(RELEASE_BIN) train $(DEMO_DIR)/signals --config Training/churn.yaml --until $(CUTOFF) --out $(DEMO_DIR)/models/churn.json
	$(RELEASE_BIN) train $(DEMO_DIR)/signals --config Training/overrun.yaml --until $(CUTOFF) --out $(DEMO_DIR)/models/overrun.json
	$(RELEASE_BIN) evaluate $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/churn.json --from $(EVAL_FROM) --report $(DEMO_DIR)/reports/churn-evaluation.html
	$(RELEASE_BIN) evaluate $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/overrun.json --from $(EVAL_FROM) --report $(DEMO_DIR)/reports/overrun-evaluation.html
	$(RELEASE_BIN) markov $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/churn.json
	$(RELEASE_BIN) score $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/churn.json --out $(DEMO_DIR)/scores --as-of $(PREVIOUS_RUN)
	$(RELEASE_BIN) score $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/overrun.json --out $(DEMO_DIR)/scores --as-of $(PREVIOUS_RUN)
	$(RELEASE_BIN) score $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/churn.json --out $(DEMO_DIR)/scores
	$(RELEASE_BIN) score $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/overrun.json --out $(DEMO_DIR)/scores
	@echo; echo "==> written:"; find $(DEMO_DIR) -type f -not -path "*/signals/*" -not -path "*/truth/*" | sort; echo "$(DEMO_DIR)/signals/ and $(DEMO_DIR)/truth/"
	@echo; echo "==> vitals at-risk $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/churn.json --history $(DEMO_DIR)/scores/history.sqlite --top 10"
	@$(RELEASE_BIN) at-risk $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/churn.json --history $(DEMO_DIR)/scores/history.sqlite --top 10
	@echo; echo "==> vitals projects $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/overrun.json --history $(DEMO_DIR)/scores/history.sqlite --top 10"
	@$(RELEASE_BIN) projects $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/overrun.json --history $(DEMO_DIR)/scores/history.sqlite --top 10
	@# The alerts of the last run, without sending or recording anything: each model's first 12
	@# lines (the whole list: the same command without head); then where the digest is.
	@for task in churn overrun; do \
		echo; echo "==> vitals alerts $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/$$task.json --history $(DEMO_DIR)/scores/history.sqlite --dry-run -q | head -n 12"; \
		out=$$($(RELEASE_BIN) alerts $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/$$task.json --history $(DEMO_DIR)/scores/history.sqlite --dry-run -q) || exit $$?; \
		printf '%s\n' "$$out" | head -n 12; \
		lines=$$(printf '%s\n' "$$out" | wc -l); [ $$lines -le 12 ] || echo "… $$((lines - 12)) more lines"; \
	done
	@echo; echo "==> vitals digest $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/churn.json --model $(DEMO_DIR)/models/overrun.json --history $(DEMO_DIR)/scores/history.sqlite --out $(DEMO_DIR)/digest"
	@$(RELEASE_BIN) digest $(DEMO_DIR)/signals --model $(DEMO_DIR)/models/churn.json --model $(DEMO_DIR)/models/overrun.json --history $(DEMO_DIR)/scores/history.sqlite --out $(DEMO_DIR)/digest -q > /dev/null
	@echo "the digest: $(DEMO_DIR)/digest/index.html"

# The shipped models in Models/, from the default simulated book: run twice, same bytes.
models: release
	@rm -rf .build/models-book
	$(RELEASE_BIN) simulate --out .build/models-book/signals --seed 42
	$(RELEASE_BIN) train .build/models-book/signals --config Training/churn.yaml --until $(CUTOFF) --out Models/churn.json --force
	$(RELEASE_BIN) train .build/models-book/signals --config Training/overrun.yaml --until $(CUTOFF) --out Models/overrun.json --force
	$(RELEASE_BIN) evaluate .build/models-book/signals --model Models/churn.json --from $(EVAL_FROM) --json > Models/churn-evaluation.json
	$(RELEASE_BIN) evaluate .build/models-book/signals --model Models/overrun.json --from $(EVAL_FROM) --json > Models/overrun-evaluation.json
	@# The linear shape (the previous default) on the same book, for the cards' before/after table.
	for task in churn overrun; do \
		sed 's/^model:/model:\n  shape: linear/' Training/$$task.yaml > .build/models-book/$$task-linear.yaml && \
		$(RELEASE_BIN) train .build/models-book/signals --config .build/models-book/$$task-linear.yaml --until $(CUTOFF) \
			--out .build/models-book/$$task-linear.json --force -q && \
		$(RELEASE_BIN) evaluate .build/models-book/signals --model .build/models-book/$$task-linear.json --from $(EVAL_FROM) --json \
			> Models/$$task-linear-evaluation.json || exit 1; \
	done
	$(PYTHON) Models/make_model_cards.py

# The whole test suite (unit, fixture, property and end-to-end tests), then a 30-second fuzz run.
test: deps sql-venv
	$(SWIFT) build --build-tests
	VITALS_SQL_ENGINES=duckdb VITALS_SQL_PYTHON=$(CURDIR)/$(SQL_VENV)/bin/python $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30

# `vitals export-sql` against `vitals score` in PostgreSQL (a throwaway server from Debian's
# postgresql, started by Tools/sql/sqlrun.py) and in Spark local mode (pyspark, Java). `make test`
# runs the same tests on DuckDB; .ci/run runs these two as well.
test-sql: deps sql-venv postgres-deps
	$(SWIFT) build --build-tests
	VITALS_SQL_ENGINES=postgres VITALS_SQL_PYTHON=$(CURDIR)/$(SQL_VENV)/bin/python $(SWIFT) test --skip-build --filter ExportSQLTests

test-spark: deps spark-venv
	$(SWIFT) build --build-tests
	VITALS_SQL_ENGINES=spark VITALS_SPARK_PYTHON=$(CURDIR)/$(SPARK_VENV)/bin/python $(SWIFT) test --skip-build --filter ExportSQLTests

# The digest's pages (vitals digest) in headless Chromium at 390 and 640 px: no console errors, no
# blank screenshot (Tests/VitalsViewsTests/DigestBrowserTests.swift). Installs Debian's chromium
# when it is missing.
CHROMIUM ?= $(shell command -v chromium 2>/dev/null || echo /usr/bin/chromium)
test-browser: deps
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "==> installing chromium with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi
	$(SWIFT) build --build-tests
	VITALS_CHROMIUM=$(CHROMIUM) $(SWIFT) test --skip-build --filter DigestBrowserTests

# Training/README.md's key table, regenerated from the key table in code (TrainingConfig+Keys.swift).
config-docs: deps
	$(SWIFT) build --build-tests
	VITALS_WRITE_CONFIG_DOCS=1 $(SWIFT) test --skip-build --filter "TrainingConfigDocsTests|FeatureCatalogDocsTests"

# Every command's outputs, byte for byte, against BASE (a git revision; default HEAD~1): for refactors.
BASE ?= HEAD~1
compare-behaviour: deps
	Tools/compare-behaviour.sh $(BASE)

# libFuzzer on the CSV reader and column decoders (Fuzz/, Sources/VitalsFuzzTargets), for
# FUZZ_SECONDS, from seeds made of every CSV in Tests/Fixtures plus the corpus kept in
# .build/fuzz-corpus. An input that breaks a property is copied to Tests/Fixtures/fuzz/regressions
# (the test suite replays that folder) and fails the run.
FUZZ_SECONDS ?= 600
FUZZ_BIN      = Fuzz/.build/release/SignalsFuzzer
fuzz: deps
	$(SWIFT) build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
	@rm -rf .build/fuzz-seeds .build/fuzz-crashes && mkdir -p .build/fuzz-corpus .build/fuzz-crashes
	@Fuzz/seed-corpus.sh .build/fuzz-seeds
	@cp Tests/Fixtures/fuzz/regressions/* .build/fuzz-seeds/ 2>/dev/null || true
	@echo "==> fuzzing for $(FUZZ_SECONDS) s"
	@SWIFT_BACKTRACE=enable=no $(FUZZ_BIN) .build/fuzz-corpus .build/fuzz-seeds -max_total_time=$(FUZZ_SECONDS) \
		-max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=.build/fuzz-crashes/ \
		> .build/fuzz.log 2>&1; status=$$?; \
	grep -E "^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb)" .build/fuzz.log; \
	found=$$(ls .build/fuzz-crashes | wc -l); \
	if [ "$$found" -gt 0 ] || [ $$status -ne 0 ]; then \
		for f in .build/fuzz-crashes/*; do [ -f "$$f" ] && cp "$$f" Tests/Fixtures/fuzz/regressions/; done; \
		grep -E "property broken|ERROR" .build/fuzz.log | head -5; \
		echo "fuzz: $$found finding(s), copied to Tests/Fixtures/fuzz/regressions (log: .build/fuzz.log)"; exit 1; \
	fi; echo "fuzz: no findings"

# SIGKILL `vitals score` (the release build) at random moments on a large simulated book, and
# Ctrl-C it: every output must stay whole or untouched (Tests/VitalsCLITests/CrashSafetyTests.swift).
CRASH_ACCOUNTS ?= 30000
CRASH_TRIALS   ?= 40
crash-test: release
	$(SWIFT) build --build-tests
	VITALS_BINARY=$(abspath $(RELEASE_BIN)) VITALS_CRASH_ACCOUNTS=$(CRASH_ACCOUNTS) VITALS_CRASH_TRIALS=$(CRASH_TRIALS) \
		$(SWIFT) test --skip-build --filter CrashSafetyTests

# The daily run at 10,000, 30,000 and 100,000 accounts against pandas + scikit-learn, DuckDB and
# polars on the same generated books (cached in Benchmarks/.data), with the Python peers in a
# virtual environment (Benchmarks/.venv). Long: about 15 minutes from scratch; see Benchmarks/README.md.
bench: release
	$(MAKE) -C Benchmarks daily

# Throughput of the hand-written CSV reader against a Swift CSV package, in MB/s.
bench-ingest: deps
	$(MAKE) -C Benchmarks ingest

# Fit time on 1,000,000 × 64 against scikit-learn's lbfgs in the same run (needs python3 with scikit-learn).
bench-train: deps
	@$(PYTHON) -c 'import sklearn' 2>/dev/null || $(PYTHON) -m pip install -q scikit-learn
	$(MAKE) -C Benchmarks train

# SQL engines for testing `vitals export-sql`: Tools/sql/sqlrun.py loads a signals book into DuckDB,
# PostgreSQL or Spark and runs one query there; Tools/sql/selfcheck.sh checks the three agree.
# sql-venv: DuckDB and psycopg in Tools/sql/.venv. spark-venv: the same plus pyspark in
# Tools/sql/.venv-spark (about 600 MB), and a Java runtime from Debian when there is none.
# Both pin their versions (Tools/sql/requirements*.txt) and return at once when up to date.
SQL_VENV   ?= Tools/sql/.venv
SPARK_VENV ?= Tools/sql/.venv-spark

sql-venv:
	@Tools/sql/ensure-venv.sh $(SQL_VENV) Tools/sql/requirements.txt $(PYTHON)

spark-venv:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "==> installing a Java runtime (default-jre-headless) with apt-get, for Spark"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless; \
	fi
	@Tools/sql/ensure-venv.sh $(SPARK_VENV) Tools/sql/requirements-spark.txt $(PYTHON)

# PostgreSQL's server binaries (initdb, pg_ctl, postgres) for sqlrun.py's throwaway servers. Debian's
# `postgresql` puts them in /usr/lib/postgresql/VERSION/bin, not on PATH; sqlrun.py looks there too.
postgres-deps:
	@if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
		echo "==> installing postgresql with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; \
	fi

clean:
	rm -rf .build $(DEMO_DIR)
