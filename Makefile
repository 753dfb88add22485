# The two commands of the README: `make run` and `make test`.
# Each (re)creates .venv only when pyproject.toml or the lock file changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test bench lint lock clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[test,postgres]"
	@touch $(STAMP)

# serve.py serves app.py with Tenfold's own protections (docs/deployment.md, "The embedded server").
run: $(STAMP)
	@echo "Tenfold is starting at http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	$(BIN)/streamlit run serve.py --server.address $(HOST) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

AXE := tests/browser/a11y/node_modules/axe-core/axe.min.js

# axe-core comes from npm; without npm the accessibility tests skip and say why (CI installs it).
$(AXE): tests/browser/a11y/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/browser/a11y --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility tests will skip"; fi

test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[bench]"
	$(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

# Re-pin every dependency (run after changing pyproject.toml's dependencies).
lock:
	rm -rf /tmp/tenfold-lock && $(PYTHON) -m venv /tmp/tenfold-lock
	/tmp/tenfold-lock/bin/pip install --quiet ".[test,postgres,bench]"
	/tmp/tenfold-lock/bin/pip freeze --exclude tenfold > requirements.lock

clean:
	rm -rf $(VENV)
