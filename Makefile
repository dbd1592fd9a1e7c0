# Two commands for a newcomer: `make run` and `make test`. Each builds .venv and node_modules itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The web app's CSS (NL Design System) and axe-core for its tests, from package-lock.json.
NODE_STAMP := node_modules/.installed

.PHONY: run test test-sqlite test-postgres install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

run: $(STAMP) $(NODE_STAMP)
	bash scripts/demo.sh

test: $(STAMP) $(NODE_STAMP)
	bash scripts/test.sh

clean:
	rm -rf $(VENV) node_modules var out
