# The two commands of the README: `make run` and `make test`. Both set everything up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: install run serve serve-app serve-front front serve-prepare test lint wrk bench-front lock audit format browser bench bench-photos bench-search bench-admin bench-editing bench-exports lighthouse loadtest clean mapdata messages makemessages gettext

# Recreated whenever pyproject.toml changes.
$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(INSTALLED)

# Translations: the .po catalogues in locale/ are compiled to .mo (not committed).
gettext:
	@command -v msgfmt >/dev/null || { \
	  echo "Installing Debian's gettext to compile the translations"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	    apt-get install -y -qq --no-install-recommends gettext; }

messages: install gettext
	DJANGO_DEBUG=on $(BIN)/python manage.py compilemessages --ignore=$(VENV) -v0

# After changing user-facing strings: update locale/es/LC_MESSAGES/django.po, translate.
makemessages: install gettext
	DJANGO_DEBUG=on $(BIN)/python manage.py makemessages -l es --no-obsolete --add-location=file \
	  --ignore=$(VENV) --ignore=staticfiles --ignore=media --ignore=node_modules

run: install messages
	DJANGO_DEBUG=$${DJANGO_DEBUG:-on} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-on} $(BIN)/python manage.py load_seed
	@echo "Create the first admin account with: DJANGO_DEBUG=on $(BIN)/python manage.py createsuperuser"
	@echo "Add an editor with: DJANGO_USER_PASSWORD=... DJANGO_DEBUG=on $(BIN)/python manage.py create_user NAME --group Editors"
	export DJANGO_DEBUG=$${DJANGO_DEBUG:-on}; $(WITH_WORKER) \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production mode: debug off, static files collected (hashed, gzip + Brotli), gunicorn behind
# nginx, its front (`manage.py serve`, docs/operations-front.md): nginx listens on PORT, reads
# whole requests, serves static files and media, keeps public pages a second and serves them
# while the app is down; gunicorn listens on a unix socket in SERVE_DIR, this instance's own
# folder (sockets, pid file, cached pages), so several instances share nothing.
# A secret key is generated into .env on first use when none is configured.
# Workers: 2 per core + 1, gunicorn's rule of thumb for sync workers. Each is replaced after
# about 50,000 requests, a guard against slow leaks (none seen: a worker's memory stays flat
# over 20,000 requests); rarer would do too, but more often would empty the local-memory page
# cache every few seconds under load. --preload loads the site once, before forking, so a
# replacement starts at once and workers share the loaded code's memory.
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
# The background worker (scheduled publication, mail: docs/background-tasks.md) runs beside the
# server, on the same database and settings; it stops when the server does, however that
# ends (Ctrl-C, a signal, an error). Each `make serve` or `make run` has its own. Another
# TASKS_BACKEND comes with its own worker command: give it as TASKS_WORKER.
TASKS_WORKER ?= manage.py db_worker --no-reload
WITH_WORKER = $(BIN)/python $(TASKS_WORKER) & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM;

GUNICORN_OPTIONS = --workers $(WORKERS) --preload --max-requests 50000 --max-requests-jitter 5000
SERVE_DIR ?= $(CURDIR)/.serve/$(PORT)
SERVE = DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
  $(BIN)/python manage.py serve --port $(PORT) --run-dir $(SERVE_DIR)
# Two `make serve` started together from one checkout take turns to prepare (flock, from
# util-linux): run at once, their collectstatic runs raced and the second one exited. Static
# files are collected again only when a source changed (manage.py update_static).
serve: export DJANGO_DEBUG := off
serve: install messages front
	flock .serve.lock $(MAKE) --no-print-directory serve-prepare
	$(WITH_WORKER) $(SERVE) -- $(GUNICORN_OPTIONS)

# The stack split over machines (docs/operations-front.md): an app server (gunicorn alone on
# APP_HOST:PORT, logging each request itself) and a front (nginx alone, before the app servers
# of FRONT_APP_SERVERS; it needs the static files, not the database).
APP_HOST ?= 127.0.0.1
serve-app: export DJANGO_DEBUG := off
serve-app: install messages
	flock .serve.lock $(MAKE) --no-print-directory serve-prepare
	$(SERVE) --only app --host $(APP_HOST) -- $(GUNICORN_OPTIONS) --access-logfile -

serve-front: export DJANGO_DEBUG := off
serve-front: install messages front
	flock .serve.lock $(BIN)/python manage.py update_static
	$(SERVE) --only front

# The front: Debian's nginx, with its module serving collectstatic's Brotli files.
front:
	@command -v nginx >/dev/null && test -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so || { \
	  echo "Installing Debian's nginx, the front of make serve"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	    apt-get install -y -qq --no-install-recommends nginx libnginx-mod-http-brotli-static; }

serve-prepare:
	@test -n "$$DJANGO_SECRET_KEY" || grep -q '^DJANGO_SECRET_KEY=.' .env 2>/dev/null || \
	  echo "DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py update_static

# Load test: 2 minutes of mixed traffic against `make serve` on PostgreSQL + Redis
# (LOADTEST_ENGINE=sqlite: on SQLite with the cache in local memory).
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

# Every core (pytest-xdist), in random order (pytest-randomly), ending with the branch coverage
# of cities/ and learningcities/, which fails the run below pyproject.toml's fail_under, and
# the 25 slowest tests (where time goes, each run). Tests of one xdist_group (those sharing a
# started server) go to one worker, so that it starts once.
# TEST_CLOCK=2026-12-31T23:30:00-05:00 runs it all at that moment (docs/testing.md).
# COVERAGE= runs it without coverage (its tracer costs about 40 % on Python 3.11): CI's second
# pass, whose figure the first already checked.
TEST_WORKERS ?= auto
COVERAGE ?= --cov --cov-report term
test: install browser messages
	$(BIN)/python -m pytest --numprocesses $(TEST_WORKERS) --dist loadgroup $(COVERAGE) \
	  --durations 25 \
	  $(PYTEST_ARGS)

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

# Re-derives cities/mapdata/ecuador.json from Natural Earth (npm world-atlas). Run once; the
# result is committed, so neither set-up nor the site needs npm.
mapdata:
	tmp=$$(mktemp -d) && \
	  npm install --prefix "$$tmp" --no-save --no-audit --no-fund --silent \
	    world-atlas@2.0.2 topojson-client@3.1.0 && \
	  NODE_MODULES_PARENT="$$tmp/" \
	    node cities/mapdata/build_ecuador.mjs; \
	  status=$$?; rm -rf "$$tmp"; exit $$status

# Benchmarks (not tests): load test of `make serve` with wrk on 127.0.0.1.
wrk:
	@command -v wrk >/dev/null || { \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq wrk; }

bench: install wrk
	$(BIN)/python bench/photo_processing.py
	$(BIN)/python bench/loadtest.py
	$(BIN)/python bench/lighthouse.py
	$(BIN)/python bench/editing.py
	$(BIN)/python bench/autosave.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/front.py
	$(MAKE) bench-admin

# The front of `make serve` under slow clients, Redis and PostgreSQL outages, a search flood
# and a 20 MB login post, against gunicorn alone (docs/operations-front.md); about 16 minutes.
bench-front: install messages front wrk
	$(BIN)/python bench/front.py $(BENCH_FRONT_ARGS)

# The open-data exports under ten clients, and the overview's latency meanwhile (500 cities).
bench-exports: install messages
	$(BIN)/python bench/exports.py
	$(MAKE) bench-admin

# Editors saving at the same moment through the admin of `make serve`: 8 editors on their own
# cities, 2 on the same city, 10 photo uploads; on SQLite, and on PostgreSQL too when
# DATABASE_URL is a postgres:// address (a throw-away database is made there).
bench-editing: install messages
	$(BIN)/python bench/editing.py $(BENCH_EDITING_ARGS)

# Autosave's cost: 8 editors' forms autosaving every 3 s while visitors search (`make serve`),
# and what it adds to the history; about 2.5 minutes.
bench-autosave: install messages
	$(BIN)/python bench/autosave.py $(BENCH_AUTOSAVE_ARGS)

# Photo processing alone: a generated 24-megapixel upload, timed with its peak memory.
bench-photos: install
	$(BIN)/python bench/photo_processing.py

# The search page on a generated network of 500 cities (SQLite; for PostgreSQL give
# DATABASE_URL of an empty database).
bench-search: install messages
	tmp=$$(mktemp -d) && export DJANGO_DEBUG=on MEDIA_ROOT="$$tmp/media" \
	  DATABASE_URL=$${DATABASE_URL:-sqlite:///$$tmp/search-bench.sqlite3} && \
	  $(BIN)/python manage.py migrate -v0 && \
	  $(BIN)/python bench/make_network.py --cities 500 --programs 5 --photos 1 && \
	  $(BIN)/python bench/search.py; status=$$?; rm -rf "$$tmp"; exit $$status

# The admin's city form (50 programs, 30 photos) and lists on a generated network of 500
# cities (SQLite; for PostgreSQL give DATABASE_URL of an empty database).
bench-admin: install messages
	tmp=$$(mktemp -d) && export DJANGO_DEBUG=on MEDIA_ROOT="$$tmp/media" \
	  DATABASE_URL=$${DATABASE_URL:-sqlite:///$$tmp/admin-bench.sqlite3} && \
	  $(BIN)/python manage.py migrate -v0 && \
	  $(BIN)/python bench/make_network.py --cities 500 --programs 5 --photos 3 && \
	  $(BIN)/python bench/admin.py; status=$$?; rm -rf "$$tmp"; exit $$status

# Lighthouse alone (npm lighthouse@12.2.3, installed into bench/node_modules on first use).
lighthouse: install
	$(BIN)/python bench/lighthouse.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
