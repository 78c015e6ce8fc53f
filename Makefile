# The two commands a newcomer needs are `make demo` and `make test`; everything else here
# is what they are made of.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/onlyoffice/docspace
# The older ansible-core releases of the compatibility matrix: one lock file each, which
# noxfile.py reads too. Add a release by creating its (empty) file and running `make lock`.
COMPAT_RELEASES := $(patsubst requirements/compat-%.txt,%,$(wildcard requirements/compat-*.txt))
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: all venv collection lint format sanity pytest compat changelog test reliability demo bench lock clean

all: test

venv: $(VENV)/.installed

$(VENV)/.installed: requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/test.txt
	touch $@

# ansible-playbook and pytest find the collection through a link to this working tree.
collection: $(COLLECTION_LINK)

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

lint: venv
	$(BIN)/ruff format --check --diff .
	$(BIN)/ruff check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

sanity: venv
	tools/sanity.sh

pytest: venv collection
	$(BIN)/pytest -n 2 tests

# Unit tests and ansible-test sanity under each older ansible-core release; the pinned
# release runs everything through `pytest` and `sanity` above.
compat: venv collection
	$(BIN)/nox

# Record the fragments in changelogs/changelog.yaml and render CHANGELOG.md; see
# docs/releasing.md.
changelog: venv collection
	$(BIN)/antsibull-changelog release --reload-plugins --refresh
	$(BIN)/antsibull-changelog generate

# The hostile-world suite alone (it also runs within `pytest`); rewrites docs/reliability.md.
reliability: venv collection
	$(BIN)/pytest -n 2 -m reliability tests/reliability

test: lint pytest sanity compat

demo: venv collection
	$(BIN)/python tools/demo.py

# Measures the collection against ping and hand-written uri tasks; rewrites
# docs/performance.md. Not part of `make test`: timings belong in a benchmark.
bench: venv collection
	$(BIN)/python tools/bench/bench.py

lock:
	rm -rf .build/lock-venv
	$(PYTHON) -m venv .build/lock-venv
	.build/lock-venv/bin/python -m pip install --quiet -r requirements/test.in
	.build/lock-venv/bin/python -m pip freeze --exclude-editable > requirements/test.txt
	for release in $(COMPAT_RELEASES); do \
	  rm -rf .build/lock-$$release && $(PYTHON) -m venv .build/lock-$$release && \
	  .build/lock-$$release/bin/python -m pip install --quiet "ansible-core~=$$release.0" \
	    -r requirements/compat.in && \
	  { echo "# ansible-core $$release with requirements/compat.in, locked by \`make lock\`."; \
	    .build/lock-$$release/bin/python -m pip freeze --exclude-editable; \
	  } > requirements/compat-$$release.txt || exit 1; \
	done

clean:
	rm -rf .build tests/output .pytest_cache .ruff_cache
