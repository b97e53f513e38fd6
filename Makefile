# The two commands: `make run` (the local stack on http://127.0.0.1:8080) and `make test` (every suite).
# Both install what is missing first; stamp files make the second run skip the installs.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_STAMP := $(VENV)/.cineweave-installed
NODE_STAMP := frontend/node_modules/.cineweave-installed
WEB_BUILD := frontend/dist/index.html
WEB_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html \
	frontend/vite.config.ts frontend/tsconfig.json

.DEFAULT_GOAL := help
.PHONY: help run test test-web install web emulators clean-run

help:
	@echo "make run    start the local stack (web app + API on http://127.0.0.1:8080); Ctrl-C stops it"
	@echo "make test   run every test suite (.ci/run calls this)"
	@echo "make install   only install what is missing (.venv, frontend/node_modules)"
	@echo "make web       build the web app into frontend/dist (make run and make test do it when needed)"
	@echo "make test-web  only the web app's checks: tsc, Vitest, Playwright in Chromium"

run: install web
	$(PY) -m shared.local.stack

# Two pytest processes: the worker suite forks ffmpeg and is kept apart from the gRPC clients of the others.
# Then the web app: type check, unit tests, and the browser tests against a fresh local stack.
test: install web
	$(PY) -m pytest tests --ignore=tests/worker
	$(PY) -m pytest tests/worker
	$(MAKE) test-web

test-web: install web
	cd frontend && npx tsc && npx vitest run && npx playwright test

# The built web app, which the local stack serves at /.
web: $(WEB_BUILD)

$(WEB_BUILD): $(NODE_STAMP) $(WEB_SOURCES)
	cd frontend && npx tsc && npx vite build

install: $(PYTHON_STAMP) $(NODE_STAMP)

# torch is pinned exactly in pyproject.toml; pip takes the CPU wheel from its configured find-links.
$(PYTHON_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -e '.[worker,test]'
	@touch $@

# The web app's packages and firebase-tools (the Auth emulator) come from frontend/package-lock.json.
$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

# Only the three emulators, on the test ports: keep them up and run pytest with CINEWEAVE_TEST_REUSE=1.
emulators: install
	$(PY) -m shared.local.emulators --test

clean-run:
	rm -rf .run
