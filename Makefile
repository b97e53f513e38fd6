# The two commands: `make run` (the local stack on http://127.0.0.1:8080) and `make test` (every suite).
# Both install what is missing first; stamp files make the second run skip the installs.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_STAMP := $(VENV)/.cineweave-installed
NODE_STAMP := frontend/node_modules/.cineweave-installed

.DEFAULT_GOAL := help
.PHONY: help run test install emulators clean-run

help:
	@echo "make run    start the local stack (web app + API on http://127.0.0.1:8080); Ctrl-C stops it"
	@echo "make test   run every test suite (.ci/run calls this)"
	@echo "make install   only install what is missing (.venv, frontend/node_modules)"

run: install
	$(PY) -m shared.local.stack

# Two pytest processes: the worker suite forks ffmpeg and is kept apart from the gRPC clients of the others.
test: install
	$(PY) -m pytest tests --ignore=tests/worker
	$(PY) -m pytest tests/worker

install: $(PYTHON_STAMP) $(NODE_STAMP)

# torch is pinned exactly in pyproject.toml; pip takes the CPU wheel from its configured find-links.
$(PYTHON_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -e '.[worker,test]'
	@touch $@

# firebase-tools (the Auth emulator) comes from frontend/package-lock.json.
$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

# Only the three emulators, on the test ports: keep them up and run pytest with CINEWEAVE_TEST_REUSE=1.
emulators: install
	$(PY) -m shared.local.emulators --test

clean-run:
	rm -rf .run
