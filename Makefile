# hypercloud.builder: `make lab` builds the local lab, `make test` runs every test.
# Everything runs from the virtualenv that scripts/bootstrap.sh creates in .venv.

SHELL := /bin/bash
ROOT := $(CURDIR)
VENV ?= $(ROOT)/.venv
BUILD := $(ROOT)/.build
# ansible-test needs the collection under ansible_collections/<namespace>/<name>.
TREE ?= $(or $(HC_TREE),$(BUILD)/tree/ansible_collections/hypercloud/builder)
export HC_TREE := $(TREE)
PYVER := 3.11

export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(ROOT)/ansible.cfg
export ANSIBLE_COLLECTIONS_PATH := $(BUILD)/collections
export ANSIBLE_FORCE_COLOR ?= 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help lab lab-down bootstrap collection tree test sanity lint ruff changelog docs units \
        integration ee molecule lab-test bench clean

help:
	@echo "make lab    bootstrap this machine and converge the local lab (playbooks/lab.yml)"
	@echo "make test   run every test stage (sanity, lint, ruff, changelog, docs, ee, units, integration, molecule, lab)"
	@echo "make docs   build the HTML docs into .build/docs/html"
	@echo "make bench  run the benchmarks in bench/"

bootstrap:
	@bash scripts/bootstrap.sh

# Build the collection artifact and install it where ansible.cfg looks for collections.
collection: bootstrap
	@rm -f $(BUILD)/dist/*.tar.gz
	@ansible-galaxy collection build --force --output-path $(BUILD)/dist . >/dev/null
	@ansible-galaxy collection install --force -p $(BUILD)/collections $(BUILD)/dist/hypercloud-builder-*.tar.gz >/dev/null
	@echo "collection: installed $$(basename $(BUILD)/dist/hypercloud-builder-*.tar.gz) into $(BUILD)/collections"

# A copy of the working tree (tracked and untracked, not ignored) laid out for ansible-test.
tree:
	@rm -rf $(TREE) && mkdir -p $(TREE)
	@git ls-files -z --cached --others --exclude-standard | rsync -a --from0 --files-from=- ./ $(TREE)/
	@git -C $(TREE) init -q && git -C $(TREE) add -A

lab: collection
	@bash scripts/lab.sh

lab-down: bootstrap
	@bash scripts/lab.sh down

test: collection
	@python scripts/run_tests.py

# Stages that test the working tree itself need no installed collection.
sanity units integration lint ruff changelog: bootstrap
	@python scripts/run_tests.py --only $@

docs ee molecule lab-test: collection
	@python scripts/run_tests.py --only $@

bench: collection
	@python bench/run.py

clean: lab-down
	rm -rf $(BUILD)
