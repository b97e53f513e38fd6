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
# checkov has its own virtualenv: its pins would clash with the project's. The stamp names the version.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)

.DEFAULT_GOAL := help
.PHONY: help run test lint test-web test-infra test-fuzz bundle install web emulators clean-run

help:
	@echo "make run    start the local stack (web app + API on http://127.0.0.1:8080); Ctrl-C stops it"
	@echo "make run KEEP=1   the same, keeping the emulators' data (users, documents, objects) in .run/keep/"
	@echo "make test   run every test suite (.ci/run calls this)"
	@echo "make install   only install what is missing (.venv, frontend/node_modules)"
	@echo "make web       build the web app into frontend/dist (make run and make test do it when needed)"
	@echo "make lint      only the Python static checks: ruff check, ruff format --check, mypy"
	@echo "make test-web  only the web app's checks: tsc, ESLint, Vitest, Playwright in Chromium"
	@echo "make test-infra  only the Terraform checks: terraform fmt, checkov, tests/infra"
	@echo "make test-fuzz   only schemathesis: the API on the test emulators against its OpenAPI document"
	@echo "make bundle    stage each function's source into build/functions/ for terraform apply"

# KEEP=1: the emulators' data is saved in .run/keep/ as the stack stops and loaded at the next start.
run: install web
	$(PY) -m shared.local.stack $(if $(filter 1,$(KEEP)),--keep)

# The Python static checks first (ruff, mypy), then the fast tier (the rules and services over the in-memory
# store, seconds), then the Terraform checks (seconds, no ports). Then two pytest processes: the worker suite
# forks ffmpeg and is kept apart from the gRPC clients of the others. Then schemathesis over the OpenAPI document
# (tests/fuzz, its own process). Then the web app: type check, unit tests, and the browser tests against a fresh
# local stack.
test: install web
	$(MAKE) lint
	$(PY) -m pytest tests/unit
	$(MAKE) test-infra
	$(PY) -m pytest tests firestore_rules/tests --ignore=tests/unit --ignore=tests/worker --ignore=tests/infra \
		--ignore=tests/fuzz
	$(PY) -m pytest tests/worker
	$(MAKE) test-fuzz
	$(MAKE) test-web

# Lint findings, unformatted files and type errors fail the build; ruff and mypy read pyproject.toml.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test-web: install web
	cd frontend && npm run check:api && npx tsc && npx eslint . --max-warnings=0 && npx vitest run && npx playwright test

# Terraform cannot download providers here, so the checks are static: formatting, checkov (every failed check
# fails the build unless suppressed inline with a reason), and the consistency tests in tests/infra.
test-infra: install $(CHECKOV_STAMP)
	@command -v terraform >/dev/null || { echo "terraform 1.11+ is required for the infrastructure checks" >&2; exit 1; }
	terraform fmt -check -recursive -diff terraform/
	$(CHECKOV_VENV)/bin/checkov --directory terraform --framework terraform --skip-download --quiet --compact
	$(PY) -m pytest tests/infra

# Every documented operation: examples, coverage cases and generated ones, valid and invalid, then linked
# sequences; no 5xx, only documented statuses, JSON matching the schemas (tests/fuzz/test_api_schema.py).
test-fuzz: install
	$(PY) -m pytest tests/fuzz

$(CHECKOV_STAMP):
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install checkov==$(CHECKOV_VERSION)
	@touch $@

# What terraform apply uploads: functions/<name>.py as main.py, shared/ (not shared/local/) and the runtime
# requirements, one folder per function in build/functions/. Standard library only: no install needed.
bundle:
	$(PYTHON) terraform/bundle.py

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
