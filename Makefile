# Two commands on a fresh machine: `make reports` and `make test`. Both bootstrap .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: venv browser libreoffice test reports lab bench lint format geodata official docs clean

venv: $(STAMP)

# Re-installs only when pyproject.toml changes: a second run starts in seconds.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[dev]'
	$(BIN)/python -c "import haefen_analysis, pandas, geopandas, plotly, papermill"
	$(BIN)/python -m ipykernel install --sys-prefix --name haefen --display-name "Python (haefen)" >/dev/null
	touch $(STAMP)

# A browser for PNG/PDF/deck exports where this machine allows (apt-get, plotly_get_chrome);
# never fails: without one, `make reports` skips those outputs (one line each, exit code 0).
browser: $(STAMP)
	@scripts/ensure_browser.sh

# LibreOffice for the deck render test, where this machine allows; never fails either.
libreoffice:
	@scripts/ensure_libreoffice.sh

test: $(STAMP) browser libreoffice
	$(BIN)/ruff check src tests scripts benchmarks notebooks
	$(BIN)/ruff format --check src tests scripts benchmarks notebooks
	$(BIN)/python -m pytest

# REPORT_ARGS="--limit 3" make reports, for example (PDFs are written too; without a browser
# they are skipped with one line)
reports: $(STAMP) browser
	$(BIN)/haefen data
	$(BIN)/haefen report all --shared-plotlyjs --pdf --skip-without-browser $(REPORT_ARGS)
	$(BIN)/haefen deck --all --skip-without-browser

# LAB_ARGS="--no-browser --allow-root" make lab   (e.g. in a container as root)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 \
		--MappingKernelManager.default_kernel_name=haefen $(LAB_ARGS)

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks notebooks

format: $(STAMP)
	$(BIN)/ruff format src tests scripts benchmarks notebooks

geodata: $(STAMP)
	$(PIP) install -e '.[geodata]'
	$(BIN)/python scripts/build_geodata.py

# The official tables (data/gemeinden.csv, data/kreise.csv) from the downloads in OFFICIAL,
# then every member's key (data/member_keys.csv) and the table reference.
OFFICIAL ?= ../shared/official
official: $(STAMP)
	$(BIN)/python scripts/build_official.py --source $(OFFICIAL)
	$(BIN)/haefen data keys
	$(BIN)/haefen data docs

docs: $(STAMP)
	$(BIN)/haefen data docs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
