# Two commands for a new user: `make run` (dashboard on the demo data) and `make test` (everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8050
SIZE ?= M
REPEAT ?= 3
WORKERS ?= 1
# Installs come from the lock files (exact versions with hashes); `make lock` regenerates them.
LOCK_RUNTIME := requirements/runtime.txt
LOCK_TEST := requirements/test.txt
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

.PHONY: run dev test install install-test lock system-deps lint bench export clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_RUNTIME)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_TEST)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .

# Regenerate the lock files from pyproject.toml's ranges (needs the package index); commit the result.
# The test set first; the runtime set is constrained by it, so the tests run the versions that ship.
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(PIP_COMPILE) --extra test --output-file $(LOCK_TEST) pyproject.toml
	$(PIP_COMPILE) --constraint $(LOCK_TEST) --output-file $(LOCK_RUNTIME) pyproject.toml

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

# The production server (gunicorn with the image's gunicorn.conf.py), one worker unless WORKERS=N;
# `make run HOST=0.0.0.0` serves the whole network. Saved datasets go to ./library unless LIBRARY_DIR is set.
run: install
	HOST=$(HOST) PORT=$(PORT) GUNICORN_WORKERS=$(WORKERS) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:server

# Flask's development server, reloading on code changes (not for a shared server).
dev: install
	$(BIN)/python app.py --host $(HOST) --port $(PORT) --debug

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test system-deps lint
	$(BIN)/python -m pytest --headless
	$(BIN)/python -m pytest --doctest-modules metrics  # the examples in metrics/' docstrings

export: install
	$(BIN)/python -m metrics export --data data/demo --out out

# The benchmark table (docs/benchmarks.md): M by default, its workload generated on the first run and
# cached in benchmarks/workloads/; `make bench SIZE=S REPEAT=1` for a quick look.
bench: install-test
	$(BIN)/python -m benchmarks --size $(SIZE) --repeat $(REPEAT)

clean:
	rm -rf $(VENV) out tests/artifacts .pytest_cache .ruff_cache
