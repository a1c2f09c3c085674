# Polku: `make demo` sets up and serves everything; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: venv demo serve test test-all e2e e2e-setup system-deps bench lint format messages clean security bandit audit

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Polku and its test tools into $(VENV) ..."
	@# setuptools too: the venv's bundled 65.5 is old (make audit reports it); builds use their own (pyproject).
	@$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	@$(BIN)/python -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: venv
	$(BIN)/polku demo

serve: venv
	$(BIN)/polku serve

# Unit and integration tests (no browser, no slow server fault tests), on DATABASE_URL or the embedded SQLite database.
test: venv
	POLKU_ENV=test $(BIN)/python -m pytest -m "not browser and not slow" -q $(PYTEST_ARGS)

# Everything including the browser tests (CI runs this once, against PostgreSQL).
test-all: venv
	POLKU_ENV=test $(BIN)/python -m pytest -q $(PYTEST_ARGS)

e2e: venv
	POLKU_ENV=test $(BIN)/python -m pytest -m browser -q $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (Playwright never downloads a browser here), and fonts
# for right-to-left scripts.
e2e-setup: venv
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; else \
	  echo "Installing Debian's chromium ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-dejavu-core >/dev/null \
	  && echo "chromium: $$(/usr/bin/chromium --version)"; fi

# Voikko (libvoikko + the Finnish dictionary) for the directory's Finnish search. Optional: without it the
# search falls back to a pure-Python normaliser (docs/decisions/009-finnish-search.md), so neither `make test`
# nor `make demo` needs it, and this target never fails the build.
system-deps:
	@if ldconfig -p 2>/dev/null | grep -q libvoikko.so.1 && [ -d /usr/lib/voikko ]; then echo "voikko: installed"; else \
	  echo "Installing Debian's libvoikko1 and voikko-fi ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvoikko1 voikko-fi >/dev/null \
	   && echo "voikko: installed") || echo "voikko: not installed; the search uses its fallback normaliser"; fi

bench: venv
	POLKU_ENV=test $(BIN)/python -m bench

lint: venv
	$(BIN)/ruff check src tests bench tools deploy

# Security review aids (docs/security/findings.md): bandit fails on high-severity findings (medium ones are
# reviewed and justified in the findings document); pip-audit --strict fails on a known vulnerability and
# also when a package could not be checked, so that an unreachable vulnerability service is never a pass.
security: bandit audit

bandit: venv
	$(BIN)/bandit -r src -q --severity-level high

# pip-audit against tools/osv_bridge.py, a local OSV endpoint answering from PyPI's project JSON (advisories of
# the latest release) and, with ADVISORIES=<the PyPA advisory database's vulns/ directory>, from that database.
# A package neither can vouch for is reported UNAUDITED (a failure), never passed; accepted ids with their
# reasons are in docs/security/audit-accepted.txt (decision 021, docs/security/findings.md).
ADVISORIES ?=
audit: venv
	$(BIN)/python tools/audit.py $(if $(ADVISORIES),--advisories $(ADVISORIES))

format: venv
	$(BIN)/ruff format src tests bench tools deploy

# Regenerate translation catalogues and compile them (msgfmt from gettext).
messages: venv
	cd src/polku && ../../$(BIN)/polku makemessages -l fi -l sv -l en --no-obsolete && ../../$(BIN)/polku compilemessages

clean:
	rm -rf $(VENV) var
