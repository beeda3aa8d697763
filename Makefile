# dsa-explore: `make` lists the targets. `make briefing` and `make test` set themselves up on first use.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PLATFORM ?= AliExpress
# SOR_STORE=DIR: draw the briefing's statements of reasons from a store written by `dsa-explore sor ingest`
SOR_STORE ?=
# CAPTURE="a.har dir/": capture folders or files the briefing's listing, risk and link sections rest on (empty = synthetic)
CAPTURE ?=
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg

# Reuse an active virtualenv or conda env; otherwise use (and create) .venv with the machine's python3.
ifneq ($(VIRTUAL_ENV),)
ENV_PREFIX := $(VIRTUAL_ENV)
else ifneq ($(CONDA_PREFIX),)
ENV_PREFIX := $(CONDA_PREFIX)
else
ENV_PREFIX := $(CURDIR)/.venv
endif
BIN := $(ENV_PREFIX)/bin
PY := $(BIN)/python
STAMP := $(ENV_PREFIX)/.dsa-explore-setup.stamp
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help setup lab briefing data data-sources notebooks test lint

help: ## list the targets
	@echo "dsa-explore — make targets:"
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv (or reuse the active env) and install the package with its dev extras

$(STAMP): pyproject.toml
	@if [ "$(ENV_PREFIX)" = "$(CURDIR)/.venv" ] && [ ! -x .venv/bin/python ]; then \
		echo "[setup] creating .venv with $$(command -v python3) ($$(python3 --version))"; python3 -m venv .venv; fi
	@echo "[setup] installing dsa-explore and its pinned dependencies into $(ENV_PREFIX)"
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

lab: setup ## open JupyterLab on notebooks/ (charts draw on opening, offline, from JupyterLab's own files)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

briefing: setup ## build the offline HTML briefing (PLATFORM=AliExpress by default; SOR_STORE=DIR; CAPTURE=DIR) into reports/
	$(BIN)/dsa-explore briefing --platform "$(PLATFORM)" $(if $(SOR_STORE),--sor-store "$(SOR_STORE)",)$(foreach c,$(CAPTURE), --capture "$(c)")
	@if [ "$(PLATFORM)" = "AliExpress" ] && [ -z "$(CAPTURE)" ]; then cp reports/briefing-aliexpress.html reports/briefing.html && echo "reports/briefing.html"; fi

data: setup ## rebuild every derived or generated dataset under data/ with its provenance record
	$(BIN)/dsa-explore data build --all

data-sources: setup ## download (once, sha256-checked) the public inputs `make data` needs that are not shipped
	$(BIN)/dsa-explore data fetch --all

notebooks: setup ## re-execute every notebook in place (commit them with their outputs)
	@for nb in notebooks/*.ipynb; do echo "[notebooks] $$nb"; \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace "$$nb" --log-level=WARN || exit 1; done

test: setup ## run the unit tests, nbval over every notebook, and the offline browser checks (one worker per core)
	$(PY) -m pytest -n auto --dist loadscope --no-loadscope-reorder tests notebooks $(NBVAL)

lint: setup ## check style with ruff
	$(BIN)/ruff check src tests benchmarks
