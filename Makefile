# Two commands for a newcomer: `make run` and `make test`. Each builds .venv and node_modules itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The web app's CSS (NL Design System) and axe-core for its tests, from package-lock.json.
NODE_STAMP := node_modules/.installed

.PHONY: run demo test test-sqlite test-postgres install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

# The product on this machine until Ctrl-C: Prefect server, the deployments, the web app.
# Demo mode unless RECHTENLOKET_DEMO=0: the shipped regions still have unverified contact details.
run: $(STAMP) $(NODE_STAMP)
	RECHTENLOKET_DEMO=$${RECHTENLOKET_DEMO:-1} $(BIN)/rechtenloket run

# Demo data: the example scenarios (var/demo/) and 40 requests in every state (var/).
demo: $(STAMP) $(NODE_STAMP)
	RECHTENLOKET_DEMO=1 $(BIN)/rechtenloket demo --seed 40

test: $(STAMP) $(NODE_STAMP)
	bash scripts/test.sh

clean:
	rm -rf $(VENV) node_modules var out
