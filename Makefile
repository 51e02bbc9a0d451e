# zhijiao — two commands do everything: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ZJ := $(BIN)/zhijiao
PLAN := data/plans/jiangyin-2021-vet-reform-plan.txt
HOST ?= 127.0.0.1:8000

.PHONY: install demo serve test test-pg lint browser-deps clean

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
# a believable history of reports; a job worker in the background and the site on $(HOST).
demo: install
	$(ZJ) migrate --noinput -v0
	$(ZJ) loadplan $(PLAN)
	$(ZJ) demo
	@echo "打开 http://$(HOST)/ —— 演示账号见 README.md"
	$(ZJ) db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(ZJ) runserver $(HOST) --noreload

# Browser tests drive Debian's Chromium; install it when missing.
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk; }

test: install browser-deps
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) var staticfiles
