# zhijiao — two commands do everything: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ZJ := $(BIN)/zhijiao
PLAN := data/plans/jiangyin-2021-vet-reform-plan.txt
TARGETS := data/indicators/jiangyin-2021-targets.yaml
HOST ?= 127.0.0.1:8000

.PHONY: install demo serve test test-pg e2e fuzz lint fonts browser-deps clean bench deploy-check

$(BIN)/.installed: pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $@

locale: $(BIN)/.installed
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }
	test ! -d src/zhijiao/locale || (cd src/zhijiao && ../../$(ZJ) compilemessages -v0)

install: $(BIN)/.installed locale

# The demo: embedded SQLite under var/, the official plan, the city's units, one user per role,
# a believable history of reports, the plan's targets with monitoring data since 2021, the
# registries the counted targets come from (people, cooperation), the talent catalogues and
# demand surveys, the credit bank, the 2024 and 2025 school evaluation rounds; a job worker in
# the background and the site on $(HOST).
demo: install fonts
	$(ZJ) migrate --noinput -v0
	$(ZJ) loadplan $(PLAN)
	$(ZJ) demo
	$(ZJ) loadindicators $(TARGETS)
	$(ZJ) demoindicators
	$(ZJ) demopeople
	$(ZJ) democooperation
	$(ZJ) loadevaluation data/evaluation/jiangyin-schemes.yaml
	$(ZJ) demoevaluation
	$(ZJ) loadcatalogue occupations data/talent/occupations-2022.csv --edition 2022
	$(ZJ) loadcatalogue majors data/talent/majors-2021.csv --edition 2021
	$(ZJ) loadcatalogue industries data/talent/industries-2017.csv --edition 2017
	$(ZJ) loadcatalogue mapping data/talent/mapping-2021.csv --edition 2021
	$(ZJ) demotalent
	$(ZJ) report talent --year 2025 --publish
	$(ZJ) democreditbank
	@echo "打开 http://$(HOST)/ —— 演示账号见 README.md"
	$(ZJ) db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(ZJ) runserver $(HOST) --noreload

# Browser tests drive Debian's Chromium; install it when missing.
# The annual report's charts (matplotlib) and the browser need a Chinese font, or the text is boxes.
fonts:
	@dpkg -s fonts-noto-cjk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq fonts-noto-cjk; }

browser-deps: fonts
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

test: install browser-deps
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The user journeys in a real Chromium, alone; screenshots of every step land in var/e2e/.
e2e: install browser-deps
	$(BIN)/pytest -p no:xdist -m browser tests/e2e $(PYTEST_ARGS)

# Longer fuzzing than `make test` does: the parsers and the OpenAPI operations in-process, then
# Schemathesis over HTTP against gunicorn and PostgreSQL (bench/apifuzz.py; FUZZ_ARGS for its options).
FUZZ_ARGS ?=
fuzz: install
	FUZZ_EXAMPLES=5000 FUZZ_API_EXAMPLES=300 $(BIN)/pytest -n 2 tests/test_fuzz.py tests/api/test_schema_fuzz.py
	DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python bench/apifuzz.py $(FUZZ_ARGS)

lint: install
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/mypy src

# Benchmarks on fresh databases (bench/README.md): SQLite, then PostgreSQL when the server in
# BENCH_PG_URL answers (a database zhijiao_bench is created there and dropped afterwards).
# BENCH_SCALE=city (Jiangyin: a ledger of 1 M entries, pages on `gendata --scale city`) or
# province (Jiangsu: 10 M entries, pages on `gendata --scale province`, BENCH_FRACTION of it).
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
BENCH_SCALE ?= city
BENCH_FRACTION ?=
ifeq ($(BENCH_SCALE),province)
LEDGER_ENTRIES := 10000000
else ifeq ($(BENCH_SCALE),city)
LEDGER_ENTRIES := 1000000
else
$(error BENCH_SCALE is city or province, not "$(BENCH_SCALE)")
endif
PAGES_ARGS := --scale $(BENCH_SCALE) $(if $(BENCH_FRACTION),--fraction $(BENCH_FRACTION))

BENCHES := bench/indicators_import.py bench/indicators_overview.py \
	"bench/creditbank_ledger.py --entries $(LEDGER_ENTRIES)" \
	"bench/talent_report.py --sizes 250000,1000000"
# The load test (PostgreSQL only): 50 users for 5 minutes; e.g. LOAD_ARGS="--duration 60" for less.
LOAD_ARGS ?=

bench: install fonts
	@status=0; for b in $(BENCHES); do echo "== $$b (SQLite)"; \
	  env -u DATABASE_URL $(BIN)/python $$b || status=1; done; \
	if $(BIN)/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()' \
	    '$(BENCH_PG_URL)' 2>/dev/null; then \
	  for b in $(BENCHES); do echo "== $$b (PostgreSQL)"; \
	    DATABASE_URL='$(BENCH_PG_URL)' $(BIN)/python $$b || status=1; done; \
	  echo "== bench/pages.py $(PAGES_ARGS)"; \
	  DATABASE_URL='$(BENCH_PG_URL)' $(BIN)/python bench/pages.py $(PAGES_ARGS) || status=1; \
	  echo "== bench/loadtest.py $(LOAD_ARGS)"; \
	  DATABASE_URL='$(BENCH_PG_URL)' $(BIN)/python bench/loadtest.py $(LOAD_ARGS) || status=1; \
	  echo "== bench/replica.py"; $(BIN)/python bench/replica.py || status=1; \
	else echo "PostgreSQL at $(BENCH_PG_URL) does not answer: its benchmarks are skipped"; fi; \
	exit $$status

# docs/deploy.md walked through on loopback (root, PostgreSQL on 127.0.0.1:5432, a few minutes):
# an offline install from a wheelhouse, gunicorn, a job worker, nginx with TLS and a smoke test.
deploy-check:
	PYTHON=$(PYTHON) scripts/deploy-check

clean:
	rm -rf $(VENV) var staticfiles
