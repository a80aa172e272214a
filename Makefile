# Set-up, demo, tests and lint. Every target creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# apt-get needs root: use sudo unless we are root already.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: venv browser redis demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/gleaner demo

# Browser tests (the HTML report, `gleaner serve`) drive Debian's chromium package through
# Playwright for Python, launched with this executable: Playwright never downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (apt-get) for the browser test"; \
	    $(SUDO) apt-get update -qq >/dev/null && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium not found and no apt-get: the browser test will be skipped"; \
	  fi; \
	}

# Shared crawls' tests start their own redis-server (Debian's redis-server package); without it
# they fail, unless GLEANER_SKIP_REDIS=1.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing redis-server (apt-get) for the shared-crawl tests"; \
	    $(SUDO) apt-get update -qq >/dev/null && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else \
	    echo "redis-server not found and no apt-get: install it, or set GLEANER_SKIP_REDIS=1"; \
	  fi; \
	}

test: $(STAMP) browser redis
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
