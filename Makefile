# The two commands of the README: `make run` and `make test`. Both set everything up.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: install run test test-postgres lint format browser bench clean

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

# Browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; }

test: install browser
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Times processing of a generated 24-megapixel upload; not part of `make test`.
bench: install
	$(BIN)/python bench/photo_processing.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
