"""Load test: 2 minutes of mixed traffic against `make serve` on PostgreSQL + Redis.

Run with `make loadtest`. It makes a fresh database with the seed content, some editors and
photo uploaders, starts the production server (`make serve`: gunicorn, debug off) on
127.0.0.1:$PORT, and runs bench/locustfile.py with locust: visitors reading every public page
and searching, editors logging in and out of the admin and saving edits, uploaders adding
photos. It then checks that no request failed, that every saved edit is in the database and
that every acknowledged upload has its row and its file, prints the figures and writes them to
bench/results/. Only 127.0.0.1 is ever contacted.

Settings (environment): PORT (8000), LOADTEST_USERS (40), LOADTEST_DURATION (2m),
LOADTEST_ENGINE (postgresql: PostgreSQL with the cache in Redis; sqlite: a SQLite file with
the cache in each worker's memory, the one-machine setup), LOADTEST_DATABASE
(learningcities_loadtest), LOADTEST_CACHE_URL (redis://127.0.0.1:6379/3).
"""

import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_site import Server, server_environment

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PORT = os.environ.get("PORT", "8000")
HOST = f"http://127.0.0.1:{PORT}"
USERS = int(os.environ.get("LOADTEST_USERS", "40"))
DURATION = os.environ.get("LOADTEST_DURATION", "2m")
DATABASE = os.environ.get("LOADTEST_DATABASE", "learningcities_loadtest")
CACHE_URL = os.environ.get("LOADTEST_CACHE_URL", "redis://127.0.0.1:6379/3")
ENGINE = os.environ.get("LOADTEST_ENGINE", "postgresql")
EDITORS = 8
UPLOADERS = 2
PYTHON = str(ROOT / ".venv" / "bin" / "python")

CREATE_EDITORS = """
import json
from django.contrib.auth.models import Group, Permission, User
from cities.models import City, ResourceLink
accounts = []
permissions = Permission.objects.filter(codename__in=["view_resourcelink", "change_resourcelink"])
for n in range({editors}):
    user = User.objects.create_user(f"loadtest-editor-{{n}}", password="{password}", is_staff=True)
    user.user_permissions.set(permissions)
    link = ResourceLink.objects.create(
        title=f"Load test link {{n}}", url="https://example.org/", order=100 + n
    )
    change_url = f"/admin/cities/resourcelink/{{link.pk}}/change/"
    accounts.append({{"username": user.username, "password": "{password}",
                     "link": link.pk, "change_url": change_url}})
uploaders = Group.objects.get(name="Photo uploaders")
city = City.objects.published().order_by("pk").first()
for n in range({uploaders}):
    user = User.objects.create_user(
        f"loadtest-uploader-{{n}}", password="{password}", is_staff=True
    )
    user.groups.add(uploaders)
    accounts.append({{"username": user.username, "password": "{password}", "city": city.pk}})
print(json.dumps(accounts))
"""

CHECK_EDITS = """
import json
from django.contrib.admin.models import CHANGE, LogEntry
from cities.models import ResourceLink
from django.core.files.storage import default_storage
from cities.models import Photo
result = {{}}
for account in json.loads('''{accounts}'''):
    if "city" in account:
        photos = Photo.objects.filter(uploaded_by__username=account["username"])
        result[account["username"]] = {{
            "titles": sorted(photos.values_list("title", flat=True)),
            "missing_files": [
                p.image.name for p in photos if not p.image.storage.exists(p.image.name)
            ],
        }}
        continue
    link = ResourceLink.objects.get(pk=account["link"])
    changes = LogEntry.objects.filter(
        object_id=str(link.pk), action_flag=CHANGE, content_type__model="resourcelink"
    ).count()
    result[account["username"]] = {{"description": link.description, "changes": changes}}
print(json.dumps(result))
"""


def run(*command, env, capture=False):
    result = subprocess.run(
        command, env=env, cwd=ROOT, check=True, text=True, capture_output=capture
    )
    return result.stdout


def manage_shell(code, env):
    output = run(
        PYTHON, "manage.py", "shell", "--verbosity", "0", "-c", code, env=env, capture=True
    )
    return output.strip().splitlines()[-1]


def serve_and_load(env, server_log, accounts, edit_log):
    """Start `make serve`, run locust against it, stop the server; return locust's result."""
    server = Server(env, server_log).start()
    try:
        started = time.monotonic()
        locust = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                *("-f", "bench/locustfile.py", "--headless", "--only-summary"),
                *("--users", str(USERS), "--spawn-rate", "10", "--run-time", DURATION),
                *("--host", HOST, "--csv", str(RESULTS / "mixed")),
                # Users finish the request they are in, so every edit has a known outcome.
                *("--stop-timeout", "30"),
            ],
            env={**env, "LOADTEST_EDITORS": accounts, "LOADTEST_EDIT_LOG": str(edit_log)},
            cwd=ROOT,
            check=False,
        )
        return time.monotonic() - started, locust
    finally:
        server.stop()


def aggregated(stats_csv):
    with open(stats_csv) as stats:
        rows = list(csv.DictReader(stats))
    return rows, next(row for row in rows if row["Name"] == "Aggregated")


def main():
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    password = secrets.token_urlsafe(12)
    if ENGINE not in ("postgresql", "sqlite"):
        sys.exit(f"LOADTEST_ENGINE is {ENGINE!r}: choose postgresql or sqlite")
    on_postgresql = ENGINE == "postgresql"
    env = server_environment(
        work,
        PORT,
        f"postgres://postgres@127.0.0.1:5432/{DATABASE}" if on_postgresql else None,
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        CACHE_URL=CACHE_URL if on_postgresql else "locmemcache://",
        DJANGO_SECURE_HSTS_SECONDS="0",
    )
    if on_postgresql:
        run(
            *("psql", "-q", "-h", "127.0.0.1", "-U", "postgres"),
            *("-c", f"DROP DATABASE IF EXISTS {DATABASE}", "-c", f"CREATE DATABASE {DATABASE}"),
            env=env,
        )
        flush = f"import redis; redis.Redis.from_url('{CACHE_URL}').flushdb()"
        run(PYTHON, "-c", flush, env=env)
    run(PYTHON, "manage.py", "migrate", "--no-input", "--verbosity", "0", env=env)
    run(PYTHON, "manage.py", "load_seed", "--verbosity", "0", env=env)
    accounts = manage_shell(
        CREATE_EDITORS.format(editors=EDITORS, uploaders=UPLOADERS, password=password), env
    )
    edit_log = RESULTS / "edits.jsonl"
    edit_log.unlink(missing_ok=True)

    (RESULTS / "server.log").unlink(missing_ok=True)
    elapsed, locust = serve_and_load(env, RESULTS / "server.log", accounts, edit_log)

    rows, total = aggregated(RESULTS / "mixed_stats.csv")
    saved = {}
    for line in edit_log.read_text().splitlines() if edit_log.exists() else []:
        edit = json.loads(line)
        saved.setdefault(edit["username"], []).append(edit)
    in_database = json.loads(manage_shell(CHECK_EDITS.format(accounts=accounts), env))
    lost = []
    for username, stored in in_database.items():
        edits = sorted(saved.get(username, []), key=lambda edit: edit["n"])
        if "titles" in stored:  # an uploader: every acknowledged upload, with its file
            if missing := {edit["value"] for edit in edits} - set(stored["titles"]):
                lost.append(f"{username}: uploads acknowledged but not stored: {sorted(missing)}")
            if stored["missing_files"]:
                lost.append(f"{username}: photos without their file: {stored['missing_files']}")
            continue
        if edits and stored["description"] != edits[-1]["value"]:
            lost.append(
                f"{username}: last saved {edits[-1]['value']!r}, found {stored['description']!r}"
            )
        if stored["changes"] != len(edits):
            lost.append(f"{username}: {len(edits)} edits saved, {stored['changes']} recorded")
    server_errors = (RESULTS / "server.log").read_text().count("Internal Server Error")

    uploads = sum(
        len(saved.get(name, [])) for name, stored in in_database.items() if "titles" in stored
    )
    summary = {
        "database": "PostgreSQL, cache in Redis" if on_postgresql else "SQLite, cache in memory",
        "duration_s": round(elapsed),
        "users": USERS,
        "workers": 2 * os.cpu_count() + 1,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "median_ms": int(float(total["Median Response Time"])),
        "p95_ms": int(float(total["95%"])),
        "p99_ms": int(float(total["99%"])),
        "max_ms": int(float(total["Max Response Time"])),
        "edits_saved": sum(len(edits) for edits in saved.values()) - uploads,
        "uploads_saved": uploads,
        "edits_lost": lost,
        "server_errors_logged": server_errors,
        "by_kind": {
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": int(float(row["Median Response Time"])),
                "p95_ms": int(float(row["95%"])),
            }
            for row in rows
            if row["Name"] != "Aggregated"
        },
    }
    (RESULTS / "mixed_summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    ok = locust.returncode == 0 and summary["failures"] == 0 and not lost and not server_errors
    print("load test:", "PASSED" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
