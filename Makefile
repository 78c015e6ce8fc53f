# The two commands a newcomer needs are `make demo` and `make test`; everything else here
# is what they are made of.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/onlyoffice/docspace
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: all venv collection lint format sanity pytest test demo lock clean

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

test: lint pytest sanity

demo: venv collection
	$(BIN)/python tools/demo.py

lock:
	$(PYTHON) -m venv .build/lock-venv
	.build/lock-venv/bin/python -m pip install --quiet -r requirements/test.in
	.build/lock-venv/bin/python -m pip freeze --exclude-editable > requirements/test.txt

clean:
	rm -rf .build tests/output .pytest_cache .ruff_cache
