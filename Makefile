# Two commands do everything on a fresh machine:  make demo  |  make test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
OUT    := out

.PHONY: install demo test lint bench soak score corpus schemas clean ocr-packages readme-examples

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

## Optional: Debian's Tesseract with our languages, for scanned PDFs. Installed when we may (root and
## apt-get present) and not there yet; otherwise one line says how to add it. `kelisim doctor` lists it.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz tesseract-ocr-eng
ocr-packages:
	@if [ "$$(tesseract --list-langs 2>/dev/null | grep -cxE 'eng|rus|kaz')" = 3 ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $(OCR_PACKAGES) >/dev/null) || echo "kelisim: could not install Tesseract; scanned PDFs will not be read"; \
	else echo "kelisim: scanned PDFs need OCR; to add it: sudo apt-get install $(OCR_PACKAGES)"; fi

## The main job on the bundled samples: read, check against the General Agreement, diff two versions, store, search;
## then an old Word .doc, read through LibreOffice where it is installed; then the archive: chain, renewals, audit, stats.
demo: install ocr-packages
	@mkdir -p $(OUT); rm -f $(OUT)/demo.db*; rm -rf $(OUT)/demo.db.index
	@echo "== 1. One agreement, read: kelisim show (first clauses)"
	$(BIN)/kelisim show corpora/samples/kazmetall-2024.pdf | head -n 30
	@echo; echo "== 2. Batch compliance check of every sample against the bundled General Agreement"
	$(BIN)/kelisim check corpora/samples --against general-agreement --fail-on never
	$(BIN)/kelisim check corpora/samples --against general-agreement --fail-on never --format html --output $(OUT)/check-report.html -q
	@echo "   printable report: $(OUT)/check-report.html"
	@echo; echo "== 3. What the 2024 version of Kazmetall's agreement lowered against its 2021 version"
	$(BIN)/kelisim diff corpora/samples/kazmetall-2021.pdf corpora/samples/kazmetall-2024.pdf --fail-on never
	@echo; echo "== 4. Clause database and search"
	$(BIN)/kelisim ingest corpora/samples/*.pdf corpora/general-agreement/*.pdf --db $(OUT)/demo.db
	$(BIN)/kelisim search "wage indexation" --db $(OUT)/demo.db --limit 5
	$(BIN)/kelisim search "индексация заработной платы" --db $(OUT)/demo.db --limit 5
	@echo; echo "== 5. Older formats: .doc, .rtf and .odt are read through LibreOffice (a .doc of the Karaganda regional agreement)"
	@if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then \
		$(BIN)/kelisim show tests/fixtures/office/regional_karaganda.doc | head -n 12; \
	else echo "   LibreOffice is not installed, so .doc, .rtf and .odt are refused: apt-get install libreoffice-writer-nogui"; fi
	@echo; echo "== 6. The whole archive: the chain above an agreement, renewals, the audit of every stored agreement, statistics"
	$(BIN)/kelisim chain corpora/samples/kazmetall-2024.pdf --db $(OUT)/demo.db
	$(BIN)/kelisim expiring --within 3m --on 2026-10-15 --db $(OUT)/demo.db --ics $(OUT)/renewals.ics
	$(BIN)/kelisim audit --db $(OUT)/demo.db --jobs 2 --fail-on never --limit 10
	$(BIN)/kelisim stats annual_leave.days --by sector --on 2025-06-01 --db $(OUT)/demo.db --chart $(OUT)/stats-annual-leave.svg
	@echo; echo "== 7. The web workspace on the demo database (search, agreements, checks in a browser):"
	@echo "   $(BIN)/kelisim serve --db $(OUT)/demo.db   # then open http://127.0.0.1:8080/"

## The whole test suite.
test: install
	$(PY) -m pytest -q -n 2 --dist loadfile

## Scores on text nobody here wrote, per language: the independent devset (extraction, check and
## diff against its expected findings) and the real-text labels (texts from ../shared/realdev, ../realtext).
DEVSET ?= ../shared/devset
score: install
	@test -d $(DEVSET)/src || { echo "score: $(DEVSET) is absent (set DEVSET=...)"; exit 2; }
	@rm -rf $(OUT)/devset; $(PY) corpora/build.py --src $(DEVSET)/src --out $(OUT)/devset > /dev/null
	$(BIN)/kelisim eval $(OUT)/devset/gold --from-text --findings $(DEVSET)/findings.yaml
	$(BIN)/kelisim eval corpora/realtext --real

## Run the README's example commands and write their real output into it (a test fails when it drifts).
readme-examples: install
	$(PY) docs/readme_examples.py

lint: install
	$(BIN)/ruff check .

bench: install
	$(PY) bench/ingest.py
	$(PY) bench/search.py --agreements 2000

## Three ingests and a search loop on one database for a minute, then its integrity and counts (printed, not timed).
soak: install
	$(PY) bench/soak.py

## Re-render the starter corpus from corpora/src (deterministic) and the JSON Schema files.
corpus: install
	$(PY) corpora/build.py

schemas: install
	$(PY) -m schemas.generate

clean:
	rm -rf $(OUT) .pytest_cache kelisim.db kelisim.db-* kelisim.db.index
