"""Editors saving at the same moment through the admin of the production server (`make serve`).

(a) N editors (--editors, default 8) each save a different city's change form at once, for
    --rounds rounds (default 50): errors, saves lost (every acknowledged save must be in the
    city's history, the last round's in the city), p50/p99 of a save in ms.
(b) two editors save the same city at once, --rounds rounds: per round the successes (302)
    and conflict pages (409 with id="edit-conflict"); rounds with exactly one of each; saves
    lost (a success whose value is not in the history) and saves silently overwritten (both
    editors told "saved", one of them replaced by the other).
(c) ten photo uploads at once on SQLite, --upload-rounds rounds (default 3): errors, photos
    stored, p50/p99 in ms.

Each database gets a fresh server on a throw-away database: SQLite always, PostgreSQL too when
DATABASE_URL is a postgres:// address (a new database is made on that server and dropped
afterwards). Only 127.0.0.1 is contacted.

Usage: python bench/editing.py [--editors 8] [--rounds 50] [--upload-rounds 3]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_site import (
    Editor,
    Server,
    free_port,
    scratch_database,
    server_environment,
)
from tests.photo_samples import jpeg

# Every tagline a city ever had (django-simple-history keeps one row per save).
HISTORY = """
import json
from cities.models import City
print(json.dumps(list(set(City.history.values_list("tagline_en", flat=True)))))
"""


def at_once(actions):
    """Run each action in its own thread, all released at the same moment: (result, ms) each,
    the result an exception if the request failed."""
    barrier = threading.Barrier(len(actions))

    def run(action):
        barrier.wait()
        start = time.perf_counter()
        try:
            result = action()
        except Exception as error:  # a refused connection or a timeout counts as an error
            result = error
        return result, (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))


def status(result):
    return getattr(result, "status_code", type(result).__name__)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def forms_at_once(editors, prepare):
    """Every editor opens their form (in parallel, not timed): the prepared saves."""
    with ThreadPoolExecutor(len(editors)) as pool:
        return list(pool.map(prepare, editors))


def different_cities(server, editors, accounts, rounds):
    timings, errors, acknowledged = [], [], []
    for round_number in range(rounds):

        def prepare(editor, round_number=round_number):
            city = accounts[editor.username]
            value = f"{editor.username} round {round_number}"
            url, fields = editor.change_city(city, tagline=value)
            return value, lambda: editor.save(url, fields)

        prepared = forms_at_once(editors, prepare)
        results = at_once([save for _value, save in prepared])
        for (value, _save), (result, ms) in zip(prepared, results, strict=True):
            timings.append(ms)
            if status(result) == 302:
                acknowledged.append(value)
            else:
                errors.append(status(result))
    history = set(json.loads(server.manage(script=HISTORY).strip().splitlines()[-1]))
    final = server.saved_state()["taglines"]
    last_round = {f"{editor.username} round {rounds - 1}" for editor in editors}
    lost = [value for value in acknowledged if value not in history]
    lost += [v for v in last_round & set(acknowledged) if v not in final.values()]
    return {"saves": len(timings), "errors": len(errors), "lost": len(lost), "timings": timings}


def same_city(server, editors, city, rounds):
    one_each, both_saved, errors, successes = 0, 0, [], []
    for round_number in range(rounds):

        def prepare(editor, round_number=round_number):
            value = f"{editor.username} same city {round_number}"
            url, fields = editor.change_city(city, tagline=value)
            return value, lambda: editor.save(url, fields)

        prepared = forms_at_once(editors, prepare)
        results = at_once([save for _value, save in prepared])
        saved = [
            value
            for (value, _), (r, _ms) in zip(prepared, results, strict=True)
            if status(r) == 302
        ]
        conflicts = [r for r, _ms in results if status(r) == 409 and 'id="edit-conflict"' in r.text]
        errors += [status(r) for r, _ms in results if status(r) not in (302, 409)]
        successes += saved
        one_each += len(saved) == 1 and len(conflicts) == 1
        both_saved += len(saved) == 2
    history = set(json.loads(server.manage(script=HISTORY).strip().splitlines()[-1]))
    return {
        "rounds": rounds,
        "one_each": one_each,
        "both_saved": both_saved,
        "errors": len(errors),
        "lost": sum(value not in history for value in successes),
    }


def uploads(server, editors, accounts, rounds):
    timings, errors, titles = [], [], []
    for round_number in range(rounds):

        def prepare(editor, round_number=round_number):
            title = f"{editor.username} upload {round_number}"
            url, fields, files = editor.add_photo(
                accounts[editor.username],
                jpeg(800, 600),
                title=title,
                alt_text="A bridge",
                author="Ana",
            )
            return title, lambda: editor.save(url, fields, files)

        prepared = forms_at_once(editors, prepare)
        for (title, _save), (result, ms) in zip(
            prepared, at_once([save for _t, save in prepared]), strict=True
        ):
            timings.append(ms)
            if status(result) == 302:
                titles.append(title)
            else:
                errors.append(status(result))
    state = server.saved_state()
    stored = {photo["title"] for photo in state["photos"]}
    files = set(state["photo_files"])
    whole = [p for p in state["photos"] if p["title"] in titles and set(p["files"]) <= files]
    return {
        "saves": len(timings),
        "errors": len(errors),
        "lost": sum(title not in stored for title in titles),
        "stored": len(whole),
        "timings": timings,
    }


def run(database, database_url, args, workdir):
    rows = []
    with scratch_database(workdir, database_url) as url:
        server = Server(server_environment(workdir, free_port(), url), workdir / "serve.log")
        server.start()
        try:
            people = server.set_up_editors(max(args.editors, 10))
            accounts = {account["username"]: account["city"] for account in people}
            editors = [Editor(server.url, account["username"]) for account in people]

            a = different_cities(server, editors[: args.editors], accounts, args.rounds)
            rows.append(
                (
                    f"(a) {args.editors} editors, own city",
                    database,
                    a["saves"],
                    a["errors"],
                    a["lost"],
                    f"{statistics.median(a['timings']):.0f}",
                    f"{percentile(a['timings'], 0.99):.0f}",
                    "",
                )
            )
            b = same_city(server, editors[:2], people[0]["city"], args.rounds)
            rows.append(
                (
                    "(b) 2 editors, same city",
                    database,
                    b["rounds"] * 2,
                    b["errors"],
                    b["lost"],
                    "",
                    "",
                    f"{b['one_each']}/{b['rounds']} rounds one saved + one conflict; "
                    f"{b['both_saved']} both saved (one silently overwritten)",
                )
            )
            if database == "sqlite":
                c = uploads(server, editors[:10], accounts, args.upload_rounds)
                rows.append(
                    (
                        "(c) 10 photo uploads at once",
                        database,
                        c["saves"],
                        c["errors"],
                        c["lost"],
                        f"{statistics.median(c['timings']):.0f}",
                        f"{percentile(c['timings'], 0.99):.0f}",
                        f"{c['stored']} photos stored with all their files",
                    )
                )
        finally:
            server.stop()
    return rows


def print_table(rows):
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--upload-rounds", type=int, default=3)
    args = parser.parse_args()
    databases = {"sqlite": None}
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        databases["postgresql"] = os.environ["DATABASE_URL"]
    rows = [("part", "database", "saves", "errors", "lost", "p50 ms", "p99 ms", "")]
    with tempfile.TemporaryDirectory(prefix="bench-editing-") as tmp:
        for database, url in databases.items():
            workdir = Path(tmp) / database
            workdir.mkdir()
            rows += run(database, url, args, workdir)
    print_table(rows)
    failed = any(row[3] or row[4] for row in rows[1:])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
