# Two commands do all set-up on a fresh machine: `make run` and `make test` (README.md).
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PYTHON ?= python3
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run cluster test setup lint translations extract-messages chromium clean

run: setup
	$(FLASK) db upgrade
	$(FLASK) jit demo --if-empty
	$(FLASK) jit search reindex --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/gunicorn -w 1 --threads 100 --no-control-socket --graceful-timeout 3 -b $(HOST):$(PORT) wsgi:app

# Two processes (5001, 5002) sharing Redis, as behind nginx in production (docs/deploy.md).
cluster: setup
	scripts/cluster.sh

# The suite runs in TEST_WORKERS pytest-xdist processes (one per core here; 0: in this process),
# each with its own databases, Redis database, Socket.IO channel and ports (tests/conftest.py).
TEST_WORKERS ?= 2

test: setup chromium
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

setup: $(VENV)/.installed static/vendor/.copied translations

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser libraries come from npm and are served by the app itself (no CDN: offline networks).
static/vendor/.copied: node_modules/.installed
	mkdir -p static/vendor/bootstrap static/vendor/socket.io static/vendor/sortablejs
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/socket.io/
	cp node_modules/sortablejs/modular/sortable.esm.js static/vendor/sortablejs/
	mkdir -p static/vendor/tom-select
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css static/vendor/tom-select/
	# The identifier link chart; as .js, which every server's MIME table knows (.mjs is not in all).
	mkdir -p static/vendor/cytoscape
	cp node_modules/cytoscape/dist/cytoscape.esm.min.mjs static/vendor/cytoscape/cytoscape.esm.min.js
	# Read by the browser tests' accessibility checks (tests/browser/test_crawl.py), not by the pages.
	mkdir -p static/vendor/axe-core
	cp node_modules/axe-core/axe.min.js static/vendor/axe-core/
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel --quiet compile --use-fuzzy -d jit/translations

# After changing user-facing text: refresh the catalogues, translate, commit the .po files.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o jit/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i jit/translations/messages.pot -d jit/translations --no-fuzzy-matching

# Browser tests drive Debian's Chromium; install it when missing and we may (root with apt).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "chromium is not installed: browser tests will be skipped (apt-get install chromium)"; fi; }

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) node_modules static/vendor
