"""The open-data exports under load, and what they do to the pages: `make serve` with wrk.

On a throw-away SQLite database of 500 generated cities (bench/make_network.py), with the
page cache in Redis (as in production: each export is made once for all workers; with
`--cache local` each worker makes its own, five at once on two cores), it checks the
exports' conditional and compressed answers, times the JSON made afresh and from the cache,
then measures the overview's p50/p99 alone, while ten clients fetch
/data/learning-cities.json, and while ten clients fetch the JSON and the four CSVs in turn
(gzip accepted, as browsers and scripts do). Target: the overview's p99 stays under 50 ms
with the exports under load. The load average is printed first: on a machine busy with other
work the latencies are those of that work, not of the site.

Usage: python bench/exports.py [--duration 10] [--cities 500] [--port 8763] [--cache redis]
[--workdir DIR]
(--workdir keeps the generated database there and reuses it on the next run.)
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import loadtest
import redis
import requests

from tests.live_site import Server

EXPORT = "/data/learning-cities.json"
EXPORTS = [EXPORT, *(f"/data/{name}.csv" for name in ("cities", "programs", "criteria", "photos"))]
TARGET_P99_MS = 50
GZIP = {"Accept-Encoding": "gzip"}


def wrk(paths, duration, connections, threads):
    """wrk as a running process asking for gzip, taking `paths` in turn; `finish` reads it."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    quoted = ", ".join(f'"{path}"' for path in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    process = subprocess.Popen(
        [
            *("wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"),
            *("-s", str(script), "-H", "Accept-Encoding: gzip", loadtest.BASE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    process.script = script
    return process


def finish(process, duration):
    output, _ = process.communicate(timeout=duration + 30)
    process.script.unlink()
    return loadtest.parse_wrk(output)


def timed_get(path, headers=GZIP):
    started = time.perf_counter()
    # Generous: while warming, five workers make the 2.8 MB JSON at once on two cores.
    response = requests.get(loadtest.BASE + path, headers=headers, timeout=600)
    return response, (time.perf_counter() - started) * 1000


def check_answers():
    """The first (uncached) and cached times of the JSON, its sizes, and the 304s."""
    _response, fresh_ms = timed_get(EXPORT)
    cached_ms = statistics.median(timed_get(EXPORT)[1] for _ in range(20))
    print(f"JSON made afresh {fresh_ms:.0f} ms; from the cache, median of 20: {cached_ms:.1f} ms")
    for path in EXPORTS:
        zipped, _ms = timed_get(path)
        plain, _ms = timed_get(path, {"Accept-Encoding": "identity"})
        by_etag, _ms = timed_get(path, GZIP | {"If-None-Match": zipped.headers["ETag"]})
        by_date = {"If-Modified-Since": zipped.headers["Last-Modified"]}
        by_date, _ms = timed_get(path, GZIP | by_date)
        print(
            f"{path:<28} {int(plain.headers['Content-Length']):>9,} B plain,"
            f" {int(zipped.headers['Content-Length']):>7,} B"
            f" {zipped.headers.get('Content-Encoding', 'NOT COMPRESSED')};"
            f" If-None-Match: {by_etag.status_code}, If-Modified-Since: {by_date.status_code}"
        )


def warm_every_worker(rounds=20):
    """Until ten requests at once for each address all come back fast: each worker keeps its
    own cache, and the figures are of cached pages and exports, not of their making."""
    with ThreadPoolExecutor(10) as pool:
        for _round in range(rounds):
            times = pool.map(lambda path: timed_get(path)[1], ["/es/", *EXPORTS] * 10)
            if max(times) < 500:
                return
    print(f"caution: after {rounds} rounds some answers still took over 0.5 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--cities", type=int, default=500)
    parser.add_argument("--port", type=int, default=8763)
    parser.add_argument("--cache", choices=["redis", "local"], default="redis")
    parser.add_argument("--workdir", type=Path, help="keep and reuse the database here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (Debian package wrk).")
    loadtest.PORT = args.port
    loadtest.BASE = f"http://127.0.0.1:{args.port}"
    if loadtest.port_in_use():
        sys.exit(f"port {args.port} is already in use: stop what listens there first")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="learningcities-bench-exports-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = loadtest.server_env(workdir, args.cities, args.cache)
    if args.cache == "redis":
        # Keys carry the content version, which restarts with each throw-away database.
        redis.Redis.from_url(loadtest.REDIS_URL).flushdb()
    if not (workdir / f"bench-{args.cities}.sqlite3").exists():
        run = {"cwd": loadtest.ROOT, "env": env, "check": True}
        subprocess.run([loadtest.PYTHON, "manage.py", "migrate", "-v0"], **run)
        make_network = ["bench/make_network.py", "--cities", str(args.cities)]
        subprocess.run([loadtest.PYTHON, *make_network], **run)
    server = Server(env, workdir / "serve.log").start(ready_path="/es/")
    try:
        load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
        print(f"{os.cpu_count()} cores, load average {load}; {args.cities} cities; {args.cache}")
        check_answers()
        warm_every_worker()
        print(f"wrk, {args.duration}s per row")
        print(f"{'measured':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        rows = {"overview alone (2 clients)": finish(wrk(["/es/"], args.duration, 2, 1), 0)}
        for name, paths in (("the JSON", [EXPORT]), ("all five exports", EXPORTS)):
            load = wrk(paths, args.duration, 10, 2)
            overview = wrk(["/es/"], args.duration, 2, 1)
            rows[f"overview, 10 clients on {name}"] = finish(overview, args.duration)
            rows[f"{name} (10 clients)"] = finish(load, args.duration)
        for name, (rate, p50, p99, errors) in rows.items():
            print(f"{name:<44} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f} {errors:>6}", flush=True)
        loaded = [row for name, row in rows.items() if name.startswith("overview, ")]
        met = all(
            rate > 0 and p99 < TARGET_P99_MS and not errors for rate, _, p99, errors in loaded
        )
        verdict = "met" if met else "MISSED"
        print(f"target: overview p99 under {TARGET_P99_MS} ms under the exports' load: {verdict}")
    finally:
        loadtest.stop(server)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
