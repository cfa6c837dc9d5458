"""The production server (`make serve`) started as an operator would, and editors driving its
admin over HTTP as a browser does. Used by the tests that need real processes (several
gunicorn workers, a crash) and by bench/editing.py."""

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
EDITOR_PASSWORD = "a long passphrase for the editors"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(workdir, port, database_url=None, **extra):
    """`make serve` on a throw-away database and media folder under `workdir`, plain HTTP."""
    environment = {
        **os.environ,
        # The site's own settings, not the tests' (tests/settings.py), which pytest names.
        "DJANGO_SETTINGS_MODULE": "learningcities.settings",
        "PORT": str(port),
        "DATABASE_URL": database_url or f"sqlite:///{workdir}/site.sqlite3",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        # The instance's own sockets, pid file and cached pages (make serve's SERVE_DIR).
        "SERVE_DIR": str(workdir / "run"),
        "CACHE_URL": "locmemcache://",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "live-site-key-" + "x" * 40,
        # Plain HTTP on the loopback: in production TLS ends at the proxy in front.
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_SECURE_COOKIES": "off",
        # Editors log in with their password alone: what is measured is saving, not logging in.
        "DJANGO_REQUIRE_2FA": "off",
        # Background work as in production: kept in the database for the worker.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        # Every editor and visitor of a test or benchmark comes from 127.0.0.1: the front's
        # limits per address would stop them (tests/test_front.py checks the limits).
        "FRONT_LOGIN_RATE": "6000",
        "FRONT_SEARCH_RATE": "1000",
        **extra,
    }
    environment.pop("AWS_STORAGE_BUCKET_NAME", None)  # media on this machine's disk
    return environment


def server_environment_for_tests(workdir, port, database_url=None, **extra):
    """`server_environment` for the tests' own servers: with the tests' settings (fast password
    hasher, TEST_CLOCK: tests/server_settings.py); benchmarks measure the site's own."""
    return server_environment(
        workdir, port, database_url, DJANGO_SETTINGS_MODULE="tests.server_settings", **extra
    )


def prepare_site(workdir):
    """What `make serve` prepares before it serves, done in `workdir`: the SQLite database
    migrated and the seed loaded, with its photos in the media folder, and the static files
    collected."""
    environment = server_environment_for_tests(workdir, free_port())
    for command in (["migrate", "--no-input"], ["load_seed"], ["update_static"]):
        subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=environment, check=True)


def copy_prepared_site(prepared, workdir):
    """The database, media and static files of the site prepared in `prepared`, copied into
    `workdir` (its static files found up to date by `make serve`'s update_static)."""
    with (
        sqlite3.connect(prepared / "site.sqlite3") as source,
        sqlite3.connect(workdir / "site.sqlite3") as target,
    ):
        source.backup(target)  # whole, whatever SQLite still holds in its write-ahead log
    for folder in ("media", "static"):
        shutil.copytree(prepared / folder, workdir / folder, dirs_exist_ok=True)


class Server:
    """`make serve` (or `target`: serve-app, serve-front) in its own process group, so that
    stopping it stops gunicorn's workers and nginx."""

    def __init__(self, environment, log_path, target="serve"):
        self.environment, self.log, self.target = environment, Path(log_path), target
        self.port = int(environment["PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.run_dir = Path(environment["SERVE_DIR"])
        self.process = None

    def start(self, timeout=180, ready_path="/healthz"):
        """Start the server and wait until `ready_path` answers 200."""
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", self.target],
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(self.url + ready_path, timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("make serve did not start:\n" + self.log.read_text()[-3000:])
            time.sleep(0.5)

    def stop(self, sig=signal.SIGTERM):
        """Stop every process of the server: SIGTERM shuts down gracefully, SIGKILL is a crash."""
        if self.process is None:
            return  # never started
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)

    def manage(self, *arguments, script=None):
        """Run a management command with the server's settings; `script` is run by `shell`."""
        command = [str(PYTHON), "manage.py", *arguments]
        if script is not None:
            command = [str(PYTHON), "manage.py", "shell", "-c", script]
        done = subprocess.run(
            command, cwd=ROOT, env=self.environment, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{arguments or 'shell'} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def set_tagline(self, slug, tagline):
        """Save a city's Spanish tagline as the admin's save ends: the model's save."""
        self.manage(
            script="from cities.models import City\n"
            f"city = City.objects.get(slug={slug!r})\n"
            f"city.tagline_es = {tagline!r}\n"
            "city.save()"
        )

    def seconds_until_shown(self, path, text, limit=10):
        """Seconds from now until GET `path` shows `text`; fails after `limit` seconds."""
        started = time.monotonic()
        while text not in requests.get(self.url + path, timeout=10).text:
            if time.monotonic() - started > limit:
                raise AssertionError(f"{text!r} not on {path} after {limit} s")
            time.sleep(0.05)
        return time.monotonic() - started

    def set_up_editors(self, count):
        """`count` editors (the "Editors" group) and as many draft cities, one per editor."""
        output = self.manage(script=SET_UP_EDITORS % {"count": count, "password": EDITOR_PASSWORD})
        return json.loads(output.strip().splitlines()[-1])

    def saved_state(self):
        """What is in the database and in MEDIA_ROOT/photos now (see REPORT)."""
        return json.loads(self.manage(script=REPORT).strip().splitlines()[-1])


SET_UP_EDITORS = """
import json
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from cities.models import City
editors, password = Group.objects.get(name="Editors"), make_password("%(password)s")
accounts = []
for n in range(%(count)d):
    user = User.objects.create(username=f"editor-{n}", password=password, is_staff=True)
    user.groups.add(editors)
    city = City.objects.create(
        name=f"Ciudad {n}", name_es=f"Ciudad {n}", slug=f"ciudad-{n}", year_joined=2020,
        narrative_es="Una ciudad del aprendizaje.",
    )
    accounts.append({"username": user.username, "city": city.pk})
print(json.dumps(accounts))
"""

# Every city's English tagline, every photo with its files, the photo files on disk, and the
# database's own consistency check: SQLite's integrity_check; on PostgreSQL every table read
# in full (a damaged page fails the read) and its foreign keys checked.
REPORT = """
import json
from pathlib import Path
from django.conf import settings
from django.db import connection
from cities.models import City, Photo
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        integrity = "; ".join(row[0] for row in cursor.execute("PRAGMA integrity_check"))
else:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
    integrity = "ok"
connection.check_constraints()
media = Path(settings.MEDIA_ROOT)
# Published photos' files and the rest's (drafts are kept apart, never served publicly).
folders = [media / "photos", media / "private-photos"]
print(json.dumps({
    "integrity": integrity,
    "taglines": {str(pk): tagline for pk, tagline in City.objects.values_list("pk", "tagline_en")},
    "photos": [
        {"title": p.title_en, "files": [p.image.name, *(r["name"] for r in p.renditions)]}
        for p in Photo.objects.all()
    ],
    "photo_files": sorted(
        str(path.relative_to(media))
        for folder in folders for path in folder.rglob("*") if path.is_file()
    ),
}))
"""


class FormParser(HTMLParser):
    """The forms of a page, each field as a browser would post it (a list of name-value pairs,
    since a name can repeat: ticked boxes of one field, a multiple select)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea, self._options = [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attrs.get("id", ""), "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "select" and name:
            self._select, self._options = name, []
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((name, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        fields = self.forms[-1]["fields"] if self.forms else []
        if tag == "textarea" and self._textarea:
            # A browser drops the one newline that follows <textarea>.
            fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]  # a single select posts its first option
            fields.extend((self._select, value) for value in chosen)
            self._select = None


def form_fields(html, form_id):
    parser = FormParser()
    parser.feed(html)
    return next(form["fields"] for form in parser.forms if form["id"] == form_id)


class Editor:
    """One person logged into the admin, with their own session, as in a browser."""

    def __init__(self, site_url, username, password=EDITOR_PASSWORD, timeout=60):
        self.site_url, self.username, self.timeout = site_url, username, timeout
        self.http = requests.Session()
        login = f"{site_url}/admin/login/"
        fields = form_fields(self.get(login).text, "login-form")
        fields += [("username", username), ("password", password)]
        response = self.http.post(login, fields, allow_redirects=False, timeout=timeout)
        if response.status_code != 302:
            raise RuntimeError(f"{username} could not log in: {response.status_code}")

    def get(self, url):
        response = self.http.get(url, timeout=self.timeout)
        response.raise_for_status()
        return response

    def change_city(self, city, **values):
        """The city's change form as shown, with `values` typed in; posting it is `save`."""
        url = f"{self.site_url}/admin/cities/city/{city}/change/"
        return url, self._typed(self.get(url).text, "city_form", values)

    def add_photo(self, city, image, **values):
        url = f"{self.site_url}/admin/cities/photo/add/"
        fields = self._typed(self.get(url).text, "photo_form", {"city": str(city), **values})
        return url, fields, {"image": ("photo.jpg", image, "image/jpeg")}

    def save(self, url, fields, files=None):
        return self.http.post(
            url,
            [*fields, ("_save", "Save")],
            files=files,
            allow_redirects=False,
            timeout=self.timeout,
        )

    @staticmethod
    def _typed(html, form_id, values):
        """The form's fields with `values` typed into them, in every language of the field."""
        fields = form_fields(html, form_id)
        names = {n for n, _v in fields} | set(values)
        typed = {}
        for field, value in values.items():
            for name in names:
                if name == field or (name.startswith(f"{field}_") and len(name) == len(field) + 3):
                    typed[name] = value
        return [(n, v) for n, v in fields if n not in typed] + list(typed.items())


class Relay:
    """A TCP relay to a server (the database): cutting it is that server's outage as the app
    sees it (connections refused, open ones broken), without stopping the machine's own."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.listener, self.connections = None, []

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def stop(self):
        """Refuse new connections and break the open ones."""
        # Shut down first: closing alone leaves a thread blocked in accept() accepting.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.connections = []

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return  # the listener was closed
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@contextlib.contextmanager
def scratch_database(workdir, postgresql_url=None):
    """The address of an empty database for a server of its own: a SQLite file in `workdir`,
    or, given a PostgreSQL address, a new database on that server, dropped afterwards."""
    if postgresql_url is None:
        yield f"sqlite:///{workdir}/site.sqlite3"
        return
    import psycopg

    url = urlsplit(postgresql_url)
    # Each xdist worker names its folders alike ("front0"): its id keeps their databases apart.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{url.path.strip('/')}_{worker}_{workdir.name}".replace("-", "_").lower()[:63]
    server = {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "user": unquote(url.username or ""),
        "password": unquote(url.password or "") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
