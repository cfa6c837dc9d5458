# The two commands of the README: `make run` and `make test`. Both set everything up.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: install run serve test test-postgres lint lock audit format browser bench loadtest clean

# Recreated whenever pyproject.toml changes.
$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(INSTALLED)

run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-on} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-on} $(BIN)/python manage.py load_seed
	@echo "Create an admin account with: DJANGO_DEBUG=on $(BIN)/python manage.py createsuperuser"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-on} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production server: debug off, static files collected, gunicorn with 2 × cores + 1 workers.
# Needs the production environment (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, …).
serve: install
	DJANGO_DEBUG=off $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=off $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=off $(BIN)/gunicorn learningcities.wsgi \
	  --bind $${BIND:-127.0.0.1:$(PORT)} --workers $$((2 * $$(nproc) + 1)) \
	  --timeout 30 --graceful-timeout 20 --max-requests 2000 --max-requests-jitter 200 \
	  --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# Load test: 2 minutes of mixed traffic against `make serve` on PostgreSQL + Redis.
loadtest: install
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/mixed_traffic.py

# Browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; }

test: install browser
	$(BIN)/python -m pytest

# The locked runtime dependencies that `audit` checks; regenerate after changing pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.lock pyproject.toml

# Known vulnerabilities in the locked dependencies, from PyPI's vulnerability data. A package
# that cannot be looked up fails the audit too (--strict): no silent pass.
audit: install
	$(BIN)/pip-audit --strict --disable-pip --no-deps --progress-spinner off \
	  --requirement requirements.lock || { \
	  echo "audit: FAILED. Either a locked dependency has a known vulnerability (listed above)" >&2; \
	  echo "audit: or PyPI's vulnerability data could not be reached (\"could not be audited\")." >&2; \
	  exit 1; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
