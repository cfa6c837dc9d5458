"""Load-test the production server (`make serve`) with wrk, on 127.0.0.1 only.

For a small (seed, 4 cities) and a large (500 cities x 5 programs x 3 photos) network, with the
page cache in local memory, in Redis and off, it measures requests/s and p50/p99 latency of each
public page and of a static copy of the overview (the same bytes) served by the same server (the
stack's physical ceiling), and prints each page's throughput as a ratio to that static file.
Every run is bounded in time.

Usage: python bench/loadtest.py [--duration 10] [--connections 8] [--sizes 4,500]
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_site import Server, server_environment

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PORT = 8097
BASE = f"http://127.0.0.1:{PORT}"
# The page cache: each worker's local memory (the default), Redis shared by all workers (as in
# production), or none. Redis database 14 is the benchmark's own, emptied before each server.
REDIS_URL = "redis://127.0.0.1:6379/14"
CACHES = {"local": "locmemcache://", "redis": REDIS_URL, "off": "dummycache://"}
# The pages measured; the static file is written by this script next to the collected files.
PAGES = {
    "overview": "/es/",
    "city page": "/es/cities/quito/",
    "search": "/es/search/?q=aprendizaje",
    "matrix": "/es/criteria/",
}
STATIC_NAME = "bench-overview-copy.html"


def wrk(url, duration, connections):
    """Run wrk against one URL; return requests/s, p50 and p99 in ms, and the error count."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    """wrk's report (--latency) as requests/s, p50 and p99 in ms, and the error count."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, flags=re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return rate, to_ms(percentiles["50"]), to_ms(percentiles["99"]), errors


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def port_in_use():
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) == 0


def stop(server):
    """Stop the server and wait until gunicorn, which shuts down gracefully, frees the port."""
    server.stop()
    deadline = time.monotonic() + 30
    while port_in_use():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server on port {PORT} did not stop")
        time.sleep(0.2)


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def server_env(workdir, size, cache):
    """The environment of a production-mode server on a throw-away database of `size` cities."""
    return server_environment(
        workdir,
        PORT,
        f"sqlite:///{workdir}/bench-{size}.sqlite3",
        MEDIA_ROOT=str(workdir / f"media-{size}"),
        CACHE_URL=CACHES[cache],
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789",
        DJANGO_DEBUG="off",
    )


def measure(size, cache, args, workdir):
    env = server_env(workdir, size, cache)
    if not (workdir / f"bench-{size}.sqlite3").exists():
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [PYTHON, "bench/make_network.py", "--cities", str(size)], cwd=ROOT, env=env, check=True
        )
    if cache == "redis":
        # Keys carry the content version, which restarts with each throw-away database.
        redis.Redis.from_url(REDIS_URL).flushdb()
    if port_in_use():
        raise RuntimeError(f"port {PORT} is already in use: stop what listens there first")
    server = Server(env, workdir / "serve.log")
    # Ready when the overview answers: /healthz fails on purpose with the page cache off.
    server.start(ready_path="/es/")
    try:
        overview = fetch(BASE + "/es/")
        # The ceiling: the overview's own bytes as a static file, through the same server.
        static_dir = workdir / "static"
        (static_dir / STATIC_NAME).write_bytes(overview)
        stop(server)
        server.start(ready_path="/es/")  # WhiteNoise indexes static files when it starts
        rows = {}
        for name, path in {**PAGES, "static file": f"/static/{STATIC_NAME}"}.items():
            wrk(BASE + path, 2, args.connections)  # warm up workers and the cache
            rows[name] = wrk(BASE + path, args.duration, args.connections)
        return rows
    finally:
        stop(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--sizes", default="4,500", help="network sizes (cities)")
    parser.add_argument("--caches", default=",".join(CACHES), help="page caches to measure")
    args = parser.parse_args()
    if unknown := set(args.caches.split(",")) - set(CACHES):
        parser.error(
            f"unknown page cache {', '.join(sorted(unknown))}: choose from {', '.join(CACHES)}"
        )
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (Debian package wrk).")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        sys.exit("Redis is not answering on 127.0.0.1:6379; the Redis rows need it.")

    workdir = Path(tempfile.mkdtemp(prefix="learningcities-bench-"))
    print(f"{os.cpu_count()} cores; wrk -t2 -c{args.connections} -d{args.duration}s; {workdir}")
    header = f"{'cities':>6} {'cache':>5} {'page':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
    print(header + f" {'vs static':>9} {'errors':>6}")
    try:
        for size in [int(size) for size in args.sizes.split(",")]:
            for cache in args.caches.split(","):
                rows = measure(size, cache, args, workdir)
                ceiling = rows["static file"][0]
                for name, (rate, p50, p99, errors) in rows.items():
                    print(
                        f"{size:>6} {cache:>5} {name:<12} {rate:>9.0f} {p50:>8.2f} {p99:>8.2f}"
                        f" {rate / ceiling:>9.2f} {errors:>6}",
                        flush=True,
                    )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
