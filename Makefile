# The commands the README shows. Everything runs offline: no AWS account, no Docker, no network
# beyond the package registries during `make install`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
STAGE ?= dev
APPROVAL ?= broadening
BIN := $(CURDIR)/$(VENV)/bin

# Node.js 22 and the pinned CDK CLI from node_modules come first, so jsii and `cdk` never use the
# machine's (end-of-life) Node 20; then the project's virtualenv.
export PATH := $(CURDIR)/node_modules/.bin:$(BIN):$(PATH)
export AWS_EC2_METADATA_DISABLED := true
export CDK_DISABLE_CLI_TELEMETRY := true

CDK := cdk --no-notices
# Extra context for a deployment: prod must name its account, region, SES sender and alarm e-mail, e.g.
# CONTEXT="-c account=123456789012 -c region=eu-west-1 -c emailFrom=no-reply@shop.example.com -c alarmEmail=ops@example.com"
# (docs/operations.md#first-deployment). FIRST=1 deploys without termination protection (the first time only).
CONTEXT ?=
STAGE_ARGS := -c stage=$(STAGE) $(CONTEXT) $(if $(FIRST),-c firstDeployment=true)
# Example values that let lint-templates synthesize prod (tests/support/synth.py uses the same).
PROD_EXAMPLE_CONTEXT := -c account=111111111111 -c region=eu-west-1 -c emailFrom=no-reply@shop.example.com -c alarmEmail=ops@example.com

.PHONY: help install dev invoke chat lex seed recommendations-rebuild synth diff deploy destroy lint lint-code lint-templates test test-all test-unit test-integration test-infra test-e2e bench fuzz clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: $(VENV)/.installed node_modules/.installed ## Create the virtualenv and install the pinned CDK CLI + Node 22 (idempotent)

$(VENV)/.installed: requirements.txt requirements-dev.txt functions/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
	@# PYTHONDONTWRITEBYTECODE=1 keeps every process from caching what it compiles, so each one compiled aws-cdk-lib
	@# & co. from source again (~4 s of every synth). Byte-compile the venv once instead (~40 s on 2 cores; later
	@# runs only compile what pip changed). compileall writes the .pyc files whatever that variable says.
	$(BIN)/python -m compileall -q -j0 "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@node --version | grep -q '^v22\.' || { echo "error: node_modules/.bin/node is not Node 22"; exit 1; }
	@touch $@

dev: install ## The whole store on this machine (no AWS account): make dev ARGS="--state .local/state.json"
	python -m local.dev $(ARGS)

invoke: install ## Run one function locally (on the running make dev if any): make invoke FUNCTION=ApiFunction EVENT=events/api/get_book.json
	@test -n "$(FUNCTION)" -a -n "$(EVENT)" || { echo 'usage: make invoke FUNCTION=<logical id or construct path> EVENT=<file> [ARGS="--endpoint URL"]'; exit 2; }
	python -m local.invoke $(FUNCTION) --event $(EVENT) $(ARGS)

chat: install ## Talk to the bot of the running make dev (else one started for it): make chat ARGS="--verbose"
	python -m local.chat $(ARGS)

lex: install ## The local Lex V2 runtime serving the template's bot, for boto3 / the AWS CLI: make lex PORT=8000
	python -m local.lex --port $(or $(PORT),8000) $(ARGS)

seed: install ## Load data/books.csv into the running make dev, or ARGS="--stage dev" / ARGS="--endpoint URL"
	python -m local.seed $(ARGS)

recommendations-rebuild: install ## Recompute recommendations from the orders of the running make dev, or ARGS="--stage dev"
	python -m local.recommendations rebuild $(ARGS)

synth: install ## Synthesize STAGE (default dev) into cdk.out/: make synth STAGE=prod
	$(CDK) synth $(STAGE_ARGS) --quiet
	@ls cdk.out/*-$(STAGE)-*.template.json | sed 's/^/  wrote /'

diff: install ## Compare STAGE with what is deployed (needs AWS credentials)
	$(CDK) diff $(STAGE_ARGS) --all

deploy: install ## Deploy every stack of STAGE (needs AWS credentials and a bootstrapped account)
	$(CDK) deploy $(STAGE_ARGS) --all --require-approval $(APPROVAL)

destroy: install ## Tear down STAGE (prod keeps its retained tables, buckets and user pool)
	$(CDK) destroy $(STAGE_ARGS) --all

lint: install lint-code lint-templates ## ruff, mypy, and cfn-lint on the templates of both stages

lint-code: install ## ruff (lint, format, complexity <= 10), mypy, and the import contracts (docs/contributing.md#the-gates)
	ruff check .
	ruff format --check .
	mypy
	@# functions/ is the Lambda asset's root: its packages (bookstore, api, ...) are imported from there.
	PYTHONPATH=functions lint-imports --no-cache

lint-templates: install ## cfn-lint on the templates the CDK CLI synthesizes for both stages
	@for stage in dev prod; do \
		$(CDK) synth -c stage=$$stage $$( [ $$stage = prod ] && echo "$(PROD_EXAMPLE_CONTEXT)" ) --quiet -o cdk.out/lint-$$stage || exit 1; \
		cfn-lint cdk.out/lint-$$stage/*.template.json || exit 1; \
		echo "cfn-lint: $$stage templates clean"; \
	done

test: install ## Install if needed, then lint and run every test suite side by side (the tests cfn-lint both stages' templates)
	@# mypy on a fresh clone takes about a minute on one core while the tests mostly use the other; each
	@# target's output is printed whole when it ends (-Otarget), and either failing fails `make test`.
	@$(MAKE) --no-print-directory -j2 -Otarget lint-code test-all

test-all: install ## Every test suite, with the coverage of functions/, stacks/, local/ and bot/ (floor: pyproject.toml)
	python -m pytest --cov --cov-report=term:skip-covered

test-unit: install
	python -m pytest tests/unit

test-integration: install
	python -m pytest tests/integration

test-infra: install
	python -m pytest tests/infrastructure

test-e2e: install ## Browser tests (Debian's chromium) against python -m local.dev; screenshots in test-artifacts/e2e
	python -m pytest tests/e2e

bench: install ## Run the benchmarks in benchmarks/ (results go in docs/performance.md)
	python -m benchmarks.synth
	python -m benchmarks.nlu
	python -m benchmarks.lex_runtime
	python -m benchmarks.recommendations
	python -m benchmarks.local_stack
	python -m benchmarks.cold_start

fuzz: install ## Property-based API tests (schemathesis) with many more examples and a new seed: make fuzz FUZZ_EXAMPLES=500
	FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),200) FUZZ_RANDOM=1 python -m pytest tests/integration/test_api_fuzz.py -q -p no:cacheprovider

clean: ## Remove build output (not the virtualenv or node_modules)
	rm -rf cdk.out .pytest_cache .mypy_cache .ruff_cache test-artifacts
