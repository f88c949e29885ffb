# Two commands on a fresh machine with Python 3.10+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_TODAY := 2026-11-28

.PHONY: install demo test browser-test docs clean

# The pdf extra (WeasyPrint) is pure Python and installs anywhere; only making a PDF needs Pango
# from the system (Debian: libpango-1.0-0), so `make demo` works without it and tests/test_pdf.py
# says what to install (and CI installs it: .ci/run).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "sendcli needs Python 3.10 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,pdf]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the shipped example casebook, at a fixed date.
demo: install
	@echo "== sendcli check: every record of the example casebook =="
	cd examples && SENDCLI_TODAY=$(DEMO_TODAY) ../$(BIN)/sendcli check
	@echo
	@echo "== sendcli due --all: every deadline, overdue, due soon and upcoming =="
	cd examples && SENDCLI_TODAY=$(DEMO_TODAY) ../$(BIN)/sendcli due --all
	@echo
	@echo "== sendcli show ae-16: one child at a glance =="
	cd examples && SENDCLI_TODAY=$(DEMO_TODAY) ../$(BIN)/sendcli show ae-16
	@echo
	@echo "== sendcli show rb-17: a plan that went on after its review (cycle review --decision continue) =="
	cd examples && SENDCLI_TODAY=$(DEMO_TODAY) ../$(BIN)/sendcli show rb-17
	@echo
	@echo "== sendcli report: the SEN support plan and one-page profile, ready to print =="
	cd examples && SENDCLI_TODAY=$(DEMO_TODAY) ../$(BIN)/sendcli report ae-16 --output ../demo-output/ae-16.plan.html
	cd examples && SENDCLI_TODAY=$(DEMO_TODAY) ../$(BIN)/sendcli report ae-16 --template profile --output ../demo-output/ae-16.profile.html
	cd examples && SENDCLI_TODAY=$(DEMO_TODAY) ../$(BIN)/sendcli report ae-16 --template parent --format md --output ../demo-output/ae-16.parent.md
	cd examples && SENDCLI_TODAY=$(DEMO_TODAY) ../$(BIN)/sendcli report ot-18 --output ../demo-output/ot-18.plan.html
	@echo "Open demo-output/ae-16.plan.html and demo-output/ae-16.profile.html in a browser (or print them);"
	@echo "demo-output/ot-18.plan.html charts a term's readings of a measured outcome."
	@echo
	@echo "== sendcli check on a record with problems =="
	@SENDCLI_TODAY=$(DEMO_TODAY) $(BIN)/sendcli check tests/data/broken/several-problems.yaml; \
		echo "(exit $$?: problems found, as expected)"
	@echo
	@echo "== Next: sendcli yourself =="
	@echo "sendcli is installed in .venv/, which is not on your PATH (so 'sendcli' alone says: command not found)."
	@echo "Either, for this terminal:   . .venv/bin/activate"
	@echo "or, for every terminal:       pipx install ."
	@echo "Then take the README's tour, starting in an empty folder with: sendcli init casebook"

test: install
	$(BIN)/python -m pytest

# Reports in a real headless Chromium: needs Debian's chromium and poppler-utils.
browser-test: install
	$(BIN)/python -m pytest -m browser

# docs/usage.md is generated from the commands' own help (tests/test_docs.py checks it).
docs: install
	$(BIN)/python -m sendcli.cli.usage > docs/usage.md

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
