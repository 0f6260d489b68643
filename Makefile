# Two commands on a fresh Debian machine with Python 3.11:
#   make build   install what is needed, then build content/ into site/
#   make test    install what is needed, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# fonts-noto-cjk: the free CJK faces for HTML and PDF; poppler-utils: pdftotext/pdffonts used by the PDF tests;
# libpango: WeasyPrint's text layout.
APT_PACKAGES := fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: build test system venv bench clean

build: system venv
	$(BIN)/jixiao build .

test: system venv
	$(BIN)/pytest

bench: system venv
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_pdf.py

system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf site $(VENV) .pytest_cache bench/out
