"""The front of `make serve`: nginx before gunicorn (templates/front/nginx.conf), started as an
operator would, with real requests through it; and the stack split over machines."""

import os
import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import redis
import requests
from django.conf import settings

from bench.front import slow_client
from learningcities.management.commands.serve import write_front
from tests.live_site import (
    Relay,
    Server,
    copy_prepared_site,
    free_port,
    scratch_database,
    server_environment,
)

# On one xdist worker, so that the module's instance behind nginx starts once.
pytestmark = pytest.mark.xdist_group("front")

# The database goes through a relay that the tests cut: an outage as the app sees it.
POSTGRESQL = (
    os.environ["DATABASE_URL"]
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else "postgres://postgres@127.0.0.1:5432/learningcities_front"
)
SHARED_CACHE_URL = "redis://127.0.0.1:6379/12"
# The limits as configured by default (tests.live_site raises them for other tests).
RATES = {"FRONT_SEARCH_RATE": "5", "FRONT_LOGIN_RATE": "10"}


@pytest.mark.parametrize(
    "front",
    [
        pytest.param({}, id="one machine"),
        pytest.param(
            {
                "FRONT_APP_SERVERS": ["10.0.0.11:8000", "10.0.0.12:8000"],
                "FRONT_TRUSTED_PROXIES": ["10.0.0.0/24"],
                "FRONT_LISTEN": "0.0.0.0:8080",
            },
            id="behind a load balancer, before two app servers",
        ),
        pytest.param({"tls": True}, id="ending TLS"),
    ],
)
def test_the_generated_configuration_passes_nginx_t(settings, tmp_path, front):
    if front.pop("tls", False):
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                *("-subj", "/CN=localhost", "-keyout", tmp_path / "key.pem"),
                *("-out", tmp_path / "certificate.pem"),
            ],
            check=True,
            capture_output=True,
        )
        front = {
            "FRONT_TLS_CERTIFICATE": tmp_path / "certificate.pem",
            "FRONT_TLS_CERTIFICATE_KEY": tmp_path / "key.pem",
            "FRONT_LISTEN": "127.0.0.1:8443",
            "FRONT_HTTP_REDIRECT_LISTEN": "127.0.0.1:8081",
        }
    for name, value in front.items():
        setattr(settings, name, value)
    run_dir = tmp_path / "run"
    # Refused by `nginx -t`, this raises with nginx's reason.
    configuration = write_front(run_dir, "127.0.0.1:8000", ["unix:/run/app.sock"]).read_text()
    # Everything the instance writes is in its own folder.
    for directive in ("pid", "client_body_temp_path", "proxy_temp_path", "proxy_cache_path"):
        line = next(line for line in configuration.splitlines() if f"{directive} " in line)
        assert f"{directive} {run_dir}/" in line
    assert "Demasiadas solicitudes" in (run_dir / "errors" / "429.html").read_text()
    # Cached pages outlive a database or app outage of at least 10 minutes (issue 25).
    assert int(re.search(r"\binactive=(\d+)m\b", configuration).group(1)) >= 10
    stale = re.search(r"proxy_cache_use_stale ([^;]+);", configuration).group(1).split()
    assert {"error", "timeout", "http_503"} <= set(stale)


@pytest.fixture(scope="module")
def database():
    relay = Relay(urlsplit(POSTGRESQL).port or 5432).start()
    yield relay
    relay.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, database):
    workdir = tmp_path_factory.mktemp("front")
    through_relay = urlsplit(POSTGRESQL)._replace(netloc=f"postgres@127.0.0.1:{database.port}")
    with scratch_database(workdir, through_relay.geturl()) as database_url:
        environment = server_environment(workdir, free_port(), database_url, **RATES)
        # Preparing waits for any other `make serve` of this checkout (a flock).
        server = Server(environment, workdir / "serve.log").start(timeout=600)
        try:
            yield server
        finally:
            server.stop()


def get(site, path, **headers):
    return requests.get(site.url + path, headers=headers, allow_redirects=False, timeout=10)


def test_public_pages_are_answered_by_the_front_once_made(site):
    first = get(site, "/en/cities/")
    again = get(site, "/en/cities/")
    assert again.status_code == 200
    assert again.headers["X-Front-Cache"] == "HIT"
    assert again.content == first.content
    assert "X-Accel-Expires" not in again.headers
    # Still compressed by the app, and kept apart from the plain copy.
    assert get(site, "/en/cities/", **{"Accept-Encoding": "gzip"}).headers["Content-Encoding"]
    assert "Content-Encoding" not in get(site, "/en/cities/", **{"Accept-Encoding": ""}).headers


@pytest.mark.parametrize(
    ("path", "cookie"),
    [
        pytest.param("/en/", "sessionid=someone", id="a logged-in person's page"),
        pytest.param("/admin/login/", "", id="the admin"),
        pytest.param("/en/cities/quito/preview/", "", id="a preview"),
        pytest.param("/healthz", "", id="the health check"),
    ],
)
def test_the_front_keeps_nothing_personal(site, path, cookie):
    for _ in range(2):
        response = get(site, path, Cookie=cookie)
    assert response.headers.get("X-Front-Cache") != "HIT"


def test_slow_clients_do_not_hold_up_other_visitors(site):
    # More unfinished requests than gunicorn has sync workers (2 per core + 1), each of which
    # reads one request until it ends: gunicorn on the port would have them all held, and the
    # visit below would wait in its queue until the 30 s timeout killed a worker. nginx holds
    # them itself, a few bytes each, and hands gunicorn the visit alone.
    stop = threading.Event()
    count = 2 * len(os.sched_getaffinity(0)) + 1 + 15
    clients = [threading.Thread(target=slow_client, args=(site.port, stop)) for _ in range(count)]
    for client in clients:
        client.start()
    try:
        time.sleep(1.1)  # all connected, headers begun; and any kept copy of /es/ out of date
        started = time.monotonic()
        response = get(site, "/es/")
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        for client in clients:
            client.join()
    assert response.status_code == 200
    assert response.headers["X-Front-Cache"] in ("MISS", "EXPIRED")  # made by gunicorn
    assert elapsed < 1


def test_private_photo_files_are_never_served_by_the_front(site):
    folder = site.run_dir.parent / "media" / "private-photos"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "draft.jpg").write_bytes(b"not public")
    for spelling in ("/media/private-photos/draft.jpg", "/media//Private-Photos/draft.jpg"):
        response = get(site, spelling)
        assert response.status_code == 404
        assert b"not public" not in response.content


def test_an_edit_shows_through_the_front_within_two_seconds(site):
    assert "Nueva frase de Loja" not in get(site, "/es/cities/loja/").text
    get(site, "/es/cities/loja/")  # kept by the front now
    site.set_tagline("loja", "Nueva frase de Loja")
    assert site.seconds_until_shown("/es/cities/loja/", "Nueva frase de Loja") < 2


def test_cached_pages_stay_readable_while_the_database_is_down(site, database):
    assert get(site, "/es/criteria/").status_code == 200
    database.stop()
    try:
        time.sleep(2.1)  # the copy is out of date (nginx counts whole seconds: 1 to 2 s)
        kept = get(site, "/es/criteria/")
        assert kept.status_code == 200
        assert kept.headers["X-Front-Cache"] == "STALE"
        never_visited = get(site, "/es/cities/azogues/")
        assert never_visited.status_code == 503
        assert "No disponible temporalmente" in never_visited.text
        assert get(site, "/healthz").status_code == 503
    finally:
        database.start()
    deadline = time.monotonic() + 10
    while get(site, "/es/cities/azogues/").status_code != 200:
        assert time.monotonic() < deadline


def test_searches_beyond_the_rate_are_refused_with_a_page_in_both_languages(site):
    # One search, kept by the front after the first: the limit counts before the cache.
    responses = [get(site, "/en/search/?q=learning") for _ in range(40)]
    statuses = [response.status_code for response in responses]
    assert statuses[0] == 200
    refused = next(response for response in responses if response.status_code == 429)
    assert "Too many requests" in refused.text
    assert "Demasiadas solicitudes" in refused.text
    assert refused.headers["Retry-After"] == "30"
    # Other pages are not limited.
    assert get(site, "/en/").status_code == 200


def test_login_posts_beyond_the_rate_are_refused(site):
    responses = [
        requests.post(f"{site.url}/admin/login/", {"username": "x"}, timeout=10)
        for _ in range(3 * int(RATES["FRONT_LOGIN_RATE"]))
    ]
    refused = next(response for response in responses if response.status_code == 429)
    assert "Too many requests" in refused.text
    assert "Demasiadas solicitudes" in refused.text
    assert get(site, "/admin/login/").status_code == 200  # the form is still shown


def start_all(servers):
    """Start the servers side by side; their preparation takes turns (see the Makefile), so
    the last may wait for the others'."""
    with ThreadPoolExecutor(len(servers)) as pool:
        timeout = 180 * len(servers)
        for started in [pool.submit(server.start, timeout=timeout) for server in servers]:
            started.result()


def stopped_cleanly(server, timeout=60):
    """Whether every process of the instance ended (gunicorn lets its workers finish first)
    and took its socket and pid file with it."""
    server.stop()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(server.process.pid, 0)
        except ProcessLookupError:
            left = {path.name for path in server.run_dir.iterdir()}
            return not {"app.sock", "gunicorn.ctl", "nginx.pid"} & left
        time.sleep(0.5)
    return False


def test_two_instances_on_one_host_share_nothing_and_both_stop_cleanly(tmp_path, prepared_site):
    servers = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        copy_prepared_site(prepared_site, tmp_path / name)
        environment = server_environment(tmp_path / name, free_port())
        servers.append(Server(environment, tmp_path / name / "serve.log"))
    try:
        start_all(servers)
        for server in servers:
            assert get(server, "/es/").status_code == 200
            # gunicorn opens its control socket in a thread of its own, once it serves.
            control = server.run_dir / "gunicorn.ctl"
            deadline = time.monotonic() + 20
            while not control.is_socket() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert control.is_socket()
        assert stopped_cleanly(servers[0])
        assert get(servers[1], "/es/").status_code == 200
        assert stopped_cleanly(servers[1])
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def split_stack(tmp_path_factory):
    """Two `make serve-app` behind one `make serve-front`, on one PostgreSQL and one Redis."""
    redis.Redis.from_url(SHARED_CACHE_URL).flushdb()  # versions start again with the database
    workdir = tmp_path_factory.mktemp("split")
    with scratch_database(workdir, POSTGRESQL) as database_url:
        shared = {"CACHE_URL": SHARED_CACHE_URL}
        apps = []
        for name in ("app1", "app2"):
            (workdir / name).mkdir()
            environment = server_environment(workdir / name, free_port(), database_url, **shared)
            apps.append(Server(environment, workdir / name / "serve.log", target="serve-app"))
        (workdir / "front").mkdir()
        addresses = ",".join(f"127.0.0.1:{app.port}" for app in apps)
        environment = server_environment(
            workdir / "front", free_port(), database_url, FRONT_APP_SERVERS=addresses, **shared
        )
        front = Server(environment, workdir / "front" / "serve.log", target="serve-front")
        try:
            start_all(apps)
            start_all([front])
            yield front, apps
        finally:
            for server in (front, *apps):
                server.stop()


def test_an_edit_on_one_app_server_is_on_the_public_page_through_the_front_at_once(split_stack):
    front, apps = split_stack
    for _ in range(4):
        assert "Una frase nueva" not in get(front, "/es/cities/quito/").text
    apps[0].set_tagline("quito", "Una frase nueva")
    assert front.seconds_until_shown("/es/cities/quito/", "Una frase nueva") < 2
    assert "Una frase nueva" in get(apps[1], "/es/cities/quito/").text
    # Both app servers answer the front, in turn: each address below is new to its cache.
    # (Counted on requests of their own: the visits above depend on what the other tests of
    # the module, in any order, left in the front's cache.)
    for visit in range(6):
        assert get(front, f"/es/cities/quito/?visit={visit}").status_code == 200
    for app in apps:
        assert re.search(r'"GET /es/cities/quito/\?visit=\d HTTP/1.0" 200', app.log.read_text())


def test_with_every_app_server_stopped_the_front_answers_what_it_can(split_stack):
    # On one machine `make serve` stops nginx with gunicorn; a front of its own stays up.
    front, apps = split_stack
    assert get(front, "/es/criteria/").status_code == 200
    for app in apps:
        app.stop()
    try:
        time.sleep(2.1)  # the copy is out of date (nginx counts whole seconds: 1 to 2 s)
        kept = get(front, "/es/criteria/")
        assert kept.status_code == 200
        assert kept.headers["X-Front-Cache"] == "STALE"
        never_visited = get(front, "/es/cities/azogues/")
        assert never_visited.status_code == 503
        assert "No disponible temporalmente" in never_visited.text
        assert "Temporarily unavailable" in never_visited.text
        assert never_visited.headers["Retry-After"] == "30"
    finally:
        # Started again for the module's other tests, whatever their order.
        start_all(apps)
