# Ravand's two entry points: `make run` (Ravand on its embedded default) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench install web

$(BIN)/ravand: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/ravand

# The web app's assets: npm packages (when package.json or the lock changed), then the build (when
# they or the sources changed). Nothing is fetched from a CDN at run time.
WEB      := web
WEB_DEPS := $(WEB)/node_modules/.ravand-installed
WEB_DIST := $(WEB)/static/dist/manifest.json
WEB_SRC  := $(shell find $(WEB)/src $(WEB)/i18n -type f 2>/dev/null) $(WEB)/build.mjs

$(WEB_DEPS): $(WEB)/package.json $(wildcard $(WEB)/package-lock.json)
	@command -v npm >/dev/null || { echo "the web app needs Node.js (18 or newer) and npm: apt-get install nodejs npm"; exit 1; }
	cd $(WEB) && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; \
		else npm install --no-audit --no-fund --loglevel=error; fi
	touch $@

$(WEB_DIST): $(WEB_DEPS) $(WEB_SRC)
	cd $(WEB) && npm run --silent build

install: $(BIN)/ravand $(WEB_DIST)

run: install
	$(BIN)/ravand demo
	$(BIN)/ravand serve

test: install
	$(BIN)/python -m pytest -n 2 -q

lint: install
	$(BIN)/ruff check .

web: $(WEB_DIST)

bench: install
	$(BIN)/python -m bench.engine
