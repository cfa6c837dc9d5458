"""What autosave costs the production server (`make serve`): 8 editors each typing in their own
city's form for --seconds (default 60), their forms autosaving every 3 s as the admin's script
does after a pause, while visitors search the site (uncached pages: the app's own work).

Measured, each once without the editors and once with them: the visitors' searches (count,
p50/p99 ms) and their ratio; the autosaves (count, errors, p50/p99 ms); and what the morning
added to the history (versions of the cities and drafts of them: one draft per sitting).

Usage: python bench/autosave.py [--editors 8] [--seconds 60] [--pause 3]
"""

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_site import Editor, Server, free_port, server_environment

# Versions of the editors' cities in their history, and drafts of them.
HISTORY = """
import json
from cities.models import City, Draft
cities = City.objects.filter(pk__in=%(cities)s)
print(json.dumps({
    "versions": City.history.filter(id__in=%(cities)s).count(),
    "drafts": Draft.objects.of_model(City).filter(object_id__in=%(cities)s).count(),
    "taglines": {str(c.pk): c.tagline_en for c in cities},
}))
"""
WORDS = ["aprendizaje", "jovenes", "mayores", "educacion", "ciudad", "learning", "parks", "music"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0


def visitors(server, seconds, threads=2):
    """Searches for `seconds` from `threads` visitors, each query new: (count, timings ms)."""
    import requests

    timings, numbers, stop = [], itertools.count(), time.monotonic() + seconds

    def visit():
        session = requests.Session()
        while time.monotonic() < stop:
            number = next(numbers)
            query = f"{WORDS[number % len(WORDS)]} {WORDS[(number // 8) % len(WORDS)]} {number}"
            started = time.perf_counter()
            response = session.get(f"{server.url}/es/search/", params={"q": query}, timeout=30)
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()

    pool = [threading.Thread(target=visit) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return timings


def typing(server, editor, city, seconds, pause, results):
    """One editor's sitting: their form opened once, then an autosave every `pause` seconds
    with what they typed meanwhile, carrying the draft's revision as the script does."""
    url = f"{server.url}/admin/cities/city/{city}/draft/autosave/"
    _form_url, fields = editor.change_city(city)
    revision, stop, keystrokes = None, time.monotonic() + seconds, 0
    while time.monotonic() < stop:
        time.sleep(pause)
        keystrokes += 1
        typed = [(n, v) for n, v in fields if n not in ("tagline_en", "_draft_revision")]
        typed.append(("tagline_en", f"{editor.username} typed {keystrokes}"))
        if revision is not None:
            typed.append(("_draft_revision", str(revision)))
        started = time.perf_counter()
        response = editor.http.post(url, typed, timeout=30)
        ms = (time.perf_counter() - started) * 1000
        is_json = response.headers.get("content-type", "").startswith("application/json")
        answer = response.json() if is_json else {"message": response.status_code}
        results.append((ms, answer.get("saved", False), answer.get("message")))
        revision = answer.get("revision", revision)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pause", type=float, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-autosave-") as tmp:
        workdir = Path(tmp)
        server = Server(server_environment(workdir, free_port()), workdir / "serve.log")
        server.start()
        try:
            people = server.set_up_editors(args.editors)
            cities = [person["city"] for person in people]
            before = json.loads(server.manage(script=HISTORY % {"cities": cities}).splitlines()[-1])
            alone = visitors(server, args.seconds)

            autosaves = []
            editors = [Editor(server.url, person["username"]) for person in people]
            sittings = [
                threading.Thread(
                    target=typing,
                    args=(server, editor, person["city"], args.seconds, args.pause, autosaves),
                )
                for editor, person in zip(editors, people, strict=True)
            ]
            for sitting in sittings:
                sitting.start()
            together = visitors(server, args.seconds)
            for sitting in sittings:
                sitting.join()
            after = json.loads(server.manage(script=HISTORY % {"cities": cities}).splitlines()[-1])
        finally:
            server.stop()

    saved = [ms for ms, ok, _message in autosaves if ok]
    refused = [message for _ms, ok, message in autosaves if not ok]
    figures = {
        "searches alone": {
            "count": len(alone),
            "p50_ms": round(statistics.median(alone), 1),
            "p99_ms": round(percentile(alone, 0.99), 1),
        },
        f"searches while {args.editors} editors autosave": {
            "count": len(together),
            "p50_ms": round(statistics.median(together), 1),
            "p99_ms": round(percentile(together, 0.99), 1),
        },
        "searches with / without": round(len(together) / len(alone), 3),
        "autosaves": {
            "count": len(autosaves),
            "saved": len(saved),
            "refused": refused[:3],
            "p50_ms": round(statistics.median(saved), 1) if saved else None,
            "p99_ms": round(percentile(saved, 0.99), 1),
        },
        "history added": {
            "versions": after["versions"] - before["versions"],
            "drafts": after["drafts"] - before["drafts"],
            "sittings": args.editors,
        },
        "cities changed by autosave": sum(
            before["taglines"][city] != after["taglines"][city] for city in after["taglines"]
        ),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    results = Path(__file__).parent / "results" / "autosave.json"
    results.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    ok = not refused and figures["history added"]["drafts"] == args.editors
    sys.exit(0 if ok and not figures["history added"]["versions"] else 1)


if __name__ == "__main__":
    main()
