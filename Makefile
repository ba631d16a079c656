# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test install lint typecheck migrations-check lock browser bench clean

$(BIN)/.installed: requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/lock.txt
	touch $@

install: $(BIN)/.installed

## Run the product with demo data: SQLite, Celery on the filesystem broker, e-mail to the console.
demo: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py demo_data
	DEBUG=true $(BIN)/python manage.py reminder_soon chloe@example.com
	@echo ""
	@echo "  Open http://127.0.0.1:$(PORT)/ and log in with one of the accounts above."
	@echo "  Stop with Ctrl+C."
	@echo ""
	DEBUG=true PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --procfile Procfile.demo --port $(PORT)

## Run the test suite (SQLite unless DATABASE_URL / CELERY_BROKER_URL point elsewhere).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	DEBUG=true $(BIN)/mypy .

migrations-check: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

## Regenerate the committed OpenAPI schema (coach/openapi.yaml) after changing the API.
.PHONY: schema
schema: install
	DEBUG=true $(BIN)/python manage.py spectacular --validate --fail-on-warn --file coach/openapi.yaml

## Regenerate the lock after changing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements/lock.txt

## Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core)

## Every benchmark script in bench/ (needs PostgreSQL; http_bench.py installs wrk from Debian's
## packages when missing, and measures sessions in Redis too when Redis answers).
bench: install
	@for script in bench/[!_]*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf var/celery var/mail var/staticfiles .pytest_cache .mypy_cache .ruff_cache
