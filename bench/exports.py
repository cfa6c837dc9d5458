"""The open-data JSON under load, and what it does to the pages: `make serve` with wrk.

On a throw-away SQLite database of 500 generated cities (bench/make_network.py), with the
page cache in local memory, it measures the overview's p50/p99 alone, then again while ten
clients fetch /data/learning-cities.json (gzip accepted, as browsers and scripts do), and the
export's own rate. Target: the overview's p99 stays under 50 ms with the export under load.

Usage: python bench/exports.py [--duration 10] [--cities 500] [--port 8763]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import loadtest

ROOT = loadtest.ROOT
PYTHON = loadtest.PYTHON
EXPORT = "/data/learning-cities.json"
TARGET_P99_MS = 50


def wrk(url, duration, connections, threads):
    """wrk as a running process, asking for gzip; `finish` reads its figures."""
    return subprocess.Popen(
        [
            *("wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"),
            *("-H", "Accept-Encoding: gzip", url),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def finish(process, duration):
    output, _ = process.communicate(timeout=duration + 30)
    return loadtest.parse_wrk(output)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--cities", type=int, default=500)
    parser.add_argument("--port", type=int, default=8763)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (Debian package wrk).")
    loadtest.PORT = args.port
    loadtest.BASE = base = f"http://127.0.0.1:{args.port}"
    workdir = Path(tempfile.mkdtemp(prefix="learningcities-bench-exports-"))
    env = loadtest.server_env(workdir, args.cities, "local")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "bench/make_network.py", "--cities", str(args.cities)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = loadtest.serve(env)
    try:
        loadtest.wait_for_server()
        # Warm every worker's cache: the figures are of cached pages and a cached export.
        for path in ("/es/", EXPORT):
            finish(wrk(base + path, 3, 10, 2), 3)
        print(f"{os.cpu_count()} cores; {args.cities} cities; {args.duration}s per row")
        print(f"{'measured':<40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        rows = {"overview alone (2 clients)": finish(wrk(base + "/es/", args.duration, 2, 1), 0)}
        load = wrk(base + EXPORT, args.duration, 10, 2)
        overview = wrk(base + "/es/", args.duration, 2, 1)
        rows["overview, 10 clients on the export"] = finish(overview, args.duration)
        rows["the export (10 clients)"] = finish(load, args.duration)
        for name, (rate, p50, p99, errors) in rows.items():
            print(f"{name:<40} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f} {errors:>6}", flush=True)
        p99 = rows["overview, 10 clients on the export"][2]
        verdict = "met" if p99 < TARGET_P99_MS else "MISSED"
        print(f"target: overview p99 under {TARGET_P99_MS} ms under the export's load: {verdict}")
    finally:
        loadtest.stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
