# Two commands for a new user: `make run` (dashboard on the demo data) and `make test` (everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8050
SIZE ?= M
REPEAT ?= 3

.PHONY: run test install install-test system-deps lint bench export clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Debian packages the browser and Redis tests need; installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

run: install
	$(BIN)/python app.py --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test system-deps lint
	$(BIN)/python -m pytest --headless

export: install
	$(BIN)/python -m metrics export --data data/demo --out out

# The benchmark table (docs/benchmarks.md): M by default, its workload generated on the first run and
# cached in benchmarks/workloads/; `make bench SIZE=S REPEAT=1` for a quick look.
bench: install-test
	$(BIN)/python -m benchmarks --size $(SIZE) --repeat $(REPEAT)

clean:
	rm -rf $(VENV) out tests/artifacts .pytest_cache .ruff_cache
