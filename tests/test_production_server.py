"""`make serve`, the production server, started as an operator would, on a throw-away database."""

import http.client
import os
import re
import time

import pytest
import redis

from tests.live_site import Server, free_port, server_environment_for_tests

# On one xdist worker, so that the module's server starts once.
pytestmark = pytest.mark.xdist_group("production server")


class ProductionServer(Server):
    def get(self, path, **headers):
        """The response to GET `path`, its body read (and left compressed, if it is)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


def served_by_nginx_itself(response):
    """Whether the front answered from its own files: what it passes to the app comes back
    with the front's cache status (X-Front-Cache, templates/front/nginx.conf; a location with
    headers of its own, as those of files, does not inherit it) and with Django's
    Referrer-Policy (SecurityMiddleware, on every response of the app, WhiteNoise's too)."""
    return all(response.getheader(name) is None for name in ("X-Front-Cache", "Referrer-Policy"))


@pytest.fixture(scope="module")
def server(tmp_path_factory, redis_url):
    # Keys carry the content version, which starts again with each throw-away database.
    redis.Redis.from_url(redis_url).flushdb()
    workdir = tmp_path_factory.mktemp("serve")
    environment = server_environment_for_tests(
        workdir,
        free_port(),
        # Shared by the workers, as in production: with each worker's own local memory, the
        # second request of a test may reach a worker that has not cached the page yet.
        CACHE_URL=redis_url,
        DJANGO_DEBUG="on",  # left over from development: `make serve` must still say off
    )
    server = ProductionServer(environment, workdir / "serve.log").start()
    try:
        yield server
    finally:
        server.stop()


def test_runs_gunicorn_with_two_workers_per_core_plus_one(server):
    workers = 2 * len(os.sched_getaffinity(0)) + 1
    deadline = time.monotonic() + 30  # the first worker may answer before the last has booted
    while server.log.read_text().count("Booting worker with pid") < workers:
        assert time.monotonic() < deadline, server.log.read_text()[-3000:]
        time.sleep(0.2)
    assert server.log.read_text().count("Booting worker with pid") == workers


def test_pages_are_compressed_cached_and_revalidated(server):
    first = server.get("/es/", **{"Accept-Encoding": "gzip"})
    assert first.status == 200
    assert first.getheader("Content-Encoding") == "gzip"
    assert "no-cache" in first.getheader("Cache-Control")
    assert first.getheader("Content-Security-Policy")
    again = server.get("/es/", **{"Accept-Encoding": "gzip"})
    assert again.body == first.body
    unchanged = server.get("/es/", **{"If-None-Match": first.getheader("ETag")})
    assert unchanged.status == 304
    assert unchanged.body == b""


def test_static_files_are_hashed_compressed_and_cached_for_good(server):
    page = server.get("/es/")
    assert not served_by_nginx_itself(page)  # a page is the app's
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.body.decode())
    stylesheet = stylesheet.group(1)
    for encoding in ("br", "gzip"):
        response = server.get(stylesheet, **{"Accept-Encoding": encoding})
        assert response.status == 200
        assert response.getheader("Content-Encoding") == encoding
        assert response.getheader("Cache-Control") == "max-age=315360000, public, immutable"
        assert served_by_nginx_itself(response)


def test_photos_are_served_by_the_front_with_a_year_of_caching(server):
    page = server.get("/es/cities/quito/").body.decode()
    photo = re.search(r'<img src="(/media/[^"]+)"', page).group(1)
    response = server.get(photo)
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("image/")
    assert response.getheader("Cache-Control") == f"public, max-age={60 * 60 * 24 * 365}"
    assert "sandbox" in response.getheader("Content-Security-Policy")
    assert served_by_nginx_itself(response)


def test_debug_is_off_whatever_the_shell_says(server):
    response = server.get("/es/no-such-page/")
    assert response.status == 404
    assert b"URLconf" not in response.body  # Django's technical 404 page lists the URLconf
    assert '<html lang="es">' in response.body.decode()
