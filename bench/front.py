"""The front of `make serve` (nginx) under the failures and loads of issue 25, on 127.0.0.1.

One `make serve` (front + gunicorn) on a throw-away PostgreSQL database, reached through a
relay this script cuts (the machine's own PostgreSQL keeps running), with its cache in a
redis-server of its own on a free port (stopped here; the machine's Redis is not touched);
beside it, on the same database and Redis, `make serve-app`: gunicorn alone on a port, what
`make serve` was before the front, for comparison in the same run. It measures:

1. cached public page through the front vs. gunicorn alone vs. a static file (wrk);
2. 50 slow clients (a header line every 3 s) for 30 s: public pages' latency meanwhile;
3. an edit: seconds until it shows through the front;
4. 20 MB posted to the login page: status, time, temporary files left;
5. search at 20 requests/s from one address: 429s, and other visitors' pages meanwhile;
6. Redis stopped: statuses of public pages, /healthz;
7. PostgreSQL cut for --outage-minutes: cached pages' and other pages' statuses throughout.

Usage: python bench/front.py [--outage-minutes 11] [--duration 10]
"""

import argparse
import http.client
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from statistics import quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadtest import wrk
from tests.live_site import Relay, Server, free_port, scratch_database, server_environment

POSTGRESQL = "postgres://postgres@127.0.0.1:5432/learningcities_bench_front"
RESULTS = Path(__file__).resolve().parent / "results" / "front.json"


def request(port, path, method="GET", body=None, headers=None, source="127.0.0.1"):
    """Status, seconds taken and body of one request, from the `source` address."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        return response.status, time.monotonic() - started, content
    except OSError:
        return None, time.monotonic() - started, b""
    finally:
        connection.close()


def p99(seconds):
    return round(1000 * quantiles(seconds, n=100)[98], 1) if len(seconds) > 1 else None


def slow_client(port, stop):
    """A request whose headers never end: one more header line every 3 seconds."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET /es/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(3):
            try:
                connection.sendall(b"X-Slow: 1\r\n")
            except OSError:
                return  # the server closed it


def visits(port, paths, seconds, rate, source="127.0.0.1"):
    """`rate` requests/s to `paths` in turn for `seconds`: statuses and latencies."""
    results, started, n = [], time.monotonic(), 0
    while time.monotonic() - started < seconds:
        status, taken, _body = request(port, paths[n % len(paths)], source=source)
        results.append((status, taken))
        n += 1
        time.sleep(max(0, started + n / rate - time.monotonic()))
    return results


def summary(results):
    statuses = {}
    for status, _taken in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {"statuses": statuses, "p99_ms": p99([taken for _status, taken in results])}


def under_slow_clients(port, count=50, seconds=30):
    stop = threading.Event()
    clients = [threading.Thread(target=slow_client, args=(port, stop)) for _ in range(count)]
    for client in clients:
        client.start()
    time.sleep(1)
    results = visits(port, ["/es/", "/es/cities/quito/"], seconds, rate=2)
    stop.set()
    for client in clients:
        client.join()
    return summary(results)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage-minutes", type=float, default=11)
    parser.add_argument("--duration", type=int, default=10, help="Seconds of each wrk run.")
    args = parser.parse_args()
    figures = {}
    workdir = Path(tempfile.mkdtemp(prefix="bench-front-"))
    redis_port = free_port()
    cache = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    relay = Relay(5432).start()
    through_relay = f"postgres://postgres@127.0.0.1:{relay.port}/learningcities_bench_front"
    servers = []
    try:
        with scratch_database(workdir, through_relay) as database_url:
            shared = {
                "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
                # The limits as configured by default (tests.live_site raises them).
                "FRONT_SEARCH_RATE": "5",
                "FRONT_LOGIN_RATE": "10",
            }
            for name, target in (("front", "serve"), ("gunicorn", "serve-app")):
                (workdir / name).mkdir()
                environment = server_environment(
                    workdir / name, free_port(), database_url, **shared
                )
                server = Server(environment, workdir / name / "serve.log", target=target)
                # Preparing waits for any other `make serve` of this checkout (a flock).
                servers.append(server.start(timeout=900))
            front, gunicorn = servers
            page = request(front.port, "/es/")[2].decode()
            stylesheet = page.split('href="/static/css/site.')[1].split('"')[0]
            print("1. cached overview, wrk 2 threads, 8 connections", flush=True)
            for name, port, path in (
                ("gunicorn alone (before)", gunicorn.port, "/es/"),
                ("through the front", front.port, "/es/"),
                ("static file through the front", front.port, f"/static/css/site.{stylesheet}"),
            ):
                rate, p50, p99_ms, errors = wrk(f"http://127.0.0.1:{port}{path}", args.duration, 8)
                figures[f"wrk {name}"] = {
                    "rps": rate,
                    "p50_ms": p50,
                    "p99_ms": p99_ms,
                    "errors": errors,
                }
                print(
                    f"   {name}: {rate:,.0f} req/s, p50 {p50} ms, p99 {p99_ms} ms, {errors} errors"
                )

            print("2. 50 slow clients for 30 s", flush=True)
            for name, server in (("gunicorn alone (before)", gunicorn), ("front", front)):
                figures[f"slow clients, {name}"] = under_slow_clients(server.port)
                print(f"   {name}: {figures[f'slow clients, {name}']}", flush=True)

            print("3. an edit through the front", flush=True)
            request(front.port, "/es/cities/loja/")
            front.set_tagline("loja", "Editado para la medición")
            visible = front.seconds_until_shown("/es/cities/loja/", "Editado para la medición")
            figures["edit visible after s"] = round(visible, 2)
            print(f"   visible after {figures['edit visible after s']} s")

            print("4. 20 MB posted to the login page", flush=True)
            body = b"x" * (20 * 1024 * 1024)
            status, taken, _ = request(
                front.port,
                "/admin/login/",
                "POST",
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            left = [p for p in (front.run_dir / "client-body").iterdir()]
            figures["20 MB login"] = {
                "status": status,
                "ms": round(1000 * taken),
                "temporary files left": len(left),
            }
            print(f"   {figures['20 MB login']}")

            print(
                "5. search at 20 requests/s from one address, other visitors meanwhile", flush=True
            )
            flood = []
            flooding = threading.Thread(
                target=lambda: flood.extend(
                    visits(front.port, [f"/es/search/?q=palabra{n}" for n in range(400)], 20, 20)
                )
            )
            flooding.start()
            others = visits(
                front.port,
                ["/es/", "/es/search/?q=Quito", "/es/cities/cuenca/"],
                20,
                5,
                source="127.0.0.2",
            )
            flooding.join()
            figures["search flood, the flooding address"] = summary(flood)
            figures["search flood, other visitors"] = summary(others)
            print(f"   flooding address: {summary(flood)}")
            print(f"   other visitors: {summary(others)}")

            print("6. Redis stopped", flush=True)
            cache.terminate()
            cache.wait()
            time.sleep(1.5)  # past the front's second
            paths = ["/es/", "/en/", "/es/cities/quito/", "/es/criteria/", "/es/search/?q=Loja"]
            results = visits(front.port, paths, 10, 5)
            health = request(front.port, "/healthz")
            figures["redis stopped, pages"] = summary(results)
            figures["redis stopped, healthz"] = [health[0], json.loads(health[2])]
            print(f"   pages: {summary(results)}; healthz: {health[0]} {health[2].decode()}")

            print(f"7. PostgreSQL cut for {args.outage_minutes} minutes", flush=True)
            kept = ["/es/", "/es/cities/quito/", "/en/criteria/"]
            for path in kept:
                request(front.port, path)
            relay.stop()
            cut, rounds = time.monotonic(), []
            while time.monotonic() - cut < args.outage_minutes * 60:
                statuses = [request(front.port, path)[0] for path in kept]
                other = request(front.port, "/es/cities/azogues/")[0]
                rounds.append(
                    {
                        "minute": round((time.monotonic() - cut) / 60, 1),
                        "kept": statuses,
                        "never visited": other,
                    }
                )
                time.sleep(30)
            relay.start()
            figures["postgresql cut"] = rounds
            print(f"   first: {rounds[0]}\n   last: {rounds[-1]}")
            print(f"   kept pages all 200: {all(s == 200 for r in rounds for s in r['kept'])}")
            for server in servers:
                server.stop()
            servers = []
    finally:
        for server in servers:
            server.stop()
        if cache.poll() is None:
            cache.terminate()
        relay.stop()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    print(f"Figures written to {RESULTS}")


if __name__ == "__main__":
    main()
