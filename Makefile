# The course's commands. `make lab` opens the course; `make test` runs every check.
# Both set up everything first, on a fresh machine with Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := $(VENV)/kernel
STAMP  := $(VENV)/.course-installed
TEST_STAMP := $(VENV)/.test-tools-installed
HUB_PROXY  := $(VENV)/hub-proxy/node_modules/.bin/configurable-http-proxy
LESSON ?= lessons/00-introduction.ipynb
PORT   ?= 8888
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# pytest's own arguments can be added: make test PYTEST_ARGS="-k aplastic"
PYTEST_ARGS ?=

.PHONY: lab test lint bench site setup test-tools hub-tools lock clean notebooks

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml tools/course_env.py $(wildcard share/jupyter/voila/templates/stemcell-course/*) $(wildcard share/jupyter/lab/settings/overrides.d/*)
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "The course needs Python 3.11 or newer; found %d.%d. Run: make PYTHON=python3.11 ..." % v[:2])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python tools/course_env.py kernel --venv $(KERNEL) --prefix $(VENV)
	@touch $@

# The server calls no other host: no news feed, no check for a newer JupyterLab, and the
# extension manager lists what is installed without asking the package index
# (tests/test_no_call_home.py watches the server's connections while a lesson runs).
NO_CALL_HOME := --LabApp.news_url=None \
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	--LabApp.extension_manager=readonly

## The test tools (requirements-test.txt), only for make test and make bench: never on Binder.
test-tools: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements-test.txt -c requirements.txt
	@touch $@

## configurable-http-proxy (npm), the proxy of the JupyterHub that the tests rehearse.
hub-tools: $(HUB_PROXY)

$(HUB_PROXY): tests/hub/package.json tests/hub/package-lock.json
	@command -v npm >/dev/null || { echo "The hub rehearsal needs Node.js 20+ and npm (apt-get install nodejs npm)"; exit 1; }
	mkdir -p $(VENV)/hub-proxy
	cp tests/hub/package.json tests/hub/package-lock.json $(VENV)/hub-proxy/
	cd $(VENV)/hub-proxy && npm ci --quiet --no-audit --no-fund --loglevel=error
	@touch $@

## Open the course in JupyterLab on 127.0.0.1 (token kept: open the URL it prints).
lab: setup
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=$(CURDIR) $(NO_CALL_HOME) $(ROOT_FLAG) $(LESSON)

## Every check: ruff, unit and property tests, the lessons under nbval, the browser suite.
test: setup test-tools hub-tools
	@# Debian's Chromium before the first test that needs it (with CI=true, a browser that
	@# cannot be installed fails here, and tests/conftest.py fails any skipped browser test).
	$(BIN)/python tools/ensure_browser.py
	$(BIN)/ruff check widgets tests tools benchmarks lessons
	$(BIN)/ruff format --check widgets tests tools benchmarks lessons
	$(BIN)/python tools/course_env.py check
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbval-lax --ignore=tests/browser $(PYTEST_ARGS)
	@# The browser suite runs on its own, after the rest: JupyterLab, a kernel and Chromium
	@# get both cores instead of sharing them with the Binder build and the site build.
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: test-tools
	$(BIN)/ruff check widgets tests tools benchmarks lessons
	$(BIN)/ruff format --check widgets tests tools benchmarks lessons

## Start-up and execution figures, then each explorer's keyboard-step latency in Chromium
## beside the floor and the naive way (benchmarks print; they are not timed tests).
bench: setup test-tools hub-tools
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/latency.py
	$(BIN)/python benchmarks/class_load.py

## Re-execute the lessons and store only the outputs of cells marked keep_output.
notebooks: setup
	$(BIN)/python tools/notebooks.py refresh lessons/*.ipynb

## Regenerate the pins: requirements.txt from requirements.in, requirements-test.txt from
## requirements-test.in on top, then environment.yml (needs the package registry).
## Current pins are kept where they still fit; UPGRADE=1 takes the newest of everything.
lock:
	$(PYTHON) tools/course_env.py lock $(if $(UPGRADE),--upgrade)

environment.yml: requirements.txt tools/course_env.py
	$(PYTHON) tools/course_env.py environment-yml

clean:
	rm -rf $(VENV) build .pytest_cache

# -- Teachers and the cloud --------------------------------------------------------------
.PHONY: guide app links hub-link collect
APP_PORT ?= 8866

## The teacher guide, docs/teacher-guide.md, rendered from assets/lessons/*.toml.
guide:
	$(PYTHON) tools/teacher_guide.py

## A static HTML course without a kernel or the internet: the learner edition in build/site/
## (no teacher guide, no answer keys), the teacher edition in build/site-teacher/.
site: setup
	$(BIN)/python tools/static_site.py --out build/site --teacher-out build/site-teacher

## The lessons as apps (Voila, settings in voila.json), served by tools/voila_class.py: a page
## closed frees its kernel, idle kernels are culled, live kernels are capped (past the cap:
## "the class is full"), the lesson of the day is pre-heated for CLASS_SIZE learners.
## On 127.0.0.1 by default; APP_IP=0.0.0.0 serves the classroom network, with a token
## (TOKEN=..., or one is made) in the address it prints.
##   make app CLASS_SIZE=30 LESSON=04 APP_IP=0.0.0.0
CLASS_SIZE ?= 1
APP_IP ?= 127.0.0.1
app: setup
	$(BIN)/python tools/voila_class.py --ip $(APP_IP) --port $(APP_PORT) \
		--class-size $(CLASS_SIZE) --lesson $(LESSON) $(if $(TOKEN),--token $(TOKEN))

## The class's handed-in answers as one table per lesson (build/collected/<lesson>.md, .csv):
##   make collect HANDED_IN=path/to/folder   (COLLECTED=<folder> writes elsewhere)
COLLECTED ?= build/collected
collect: setup
	@test -n "$(HANDED_IN)" || { echo "Say where the handed-in files are: make collect HANDED_IN=<folder>"; exit 1; }
	$(BIN)/python tools/collect.py "$(HANDED_IN)" --out "$(COLLECTED)"

## Rewrite the README's Binder badges from public-address.toml (after a fork changes it).
links:
	$(PYTHON) tools/links.py readme

## Print the nbgitpuller link for a JupyterHub: make hub-link HUB=https://hub.example.org
## LESSON=01 (a number, a name or a path; default lesson 00), APP=voila opens it as an app.
APP ?= lab
hub-link:
	@$(PYTHON) tools/hub_link.py $(HUB) --app $(APP) --lesson $(LESSON)
