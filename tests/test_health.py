import re
import time

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import make_city


@pytest.mark.django_db
def test_health_check_is_ok_when_everything_works(client):
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "media_storage": "ok", "disk": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_check_leaves_no_probe_file_behind(client, settings):
    client.get("/healthz")
    probes = settings.MEDIA_ROOT / "healthz"
    assert not probes.exists() or list(probes.iterdir()) == []


@pytest.mark.django_db
def test_a_broken_cache_is_reported_degraded_and_the_server_kept_in_service(client, settings):
    # Nothing listens on port 1: the connection is refused.
    settings.CACHES = {
        "default": {
            "BACKEND": "learningcities.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    checks = response.json()["checks"]
    assert checks["cache"] == "error: ConnectionError"
    assert checks["database"] == checks["media_storage"] == checks["disk"] == "ok"


@pytest.mark.django_db
def test_a_nearly_full_disk_is_reported_degraded(client, settings):
    settings.HEALTH_MIN_FREE_DISK_MB = 1024**3  # a petabyte: more than any disk here has free
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert re.fullmatch(r"low: \d+ MB free in /.*", response.json()["checks"]["disk"])
    settings.HEALTH_MIN_FREE_DISK_MB = 1
    assert client.get("/healthz").json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "media_storage": "ok", "disk": "ok"},
    }


@pytest.mark.django_db
def test_health_check_names_unwritable_media_storage(client, settings, tmp_path):
    # MEDIA_ROOT inside a regular file cannot be created, even by root.
    (tmp_path / "a-file").write_text("")
    settings.MEDIA_ROOT = tmp_path / "a-file" / "media"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["media_storage"] == "error: NotADirectoryError"


@pytest.mark.django_db
def test_health_check_answers_within_two_seconds_when_a_backend_hangs(client, monkeypatch):
    from learningcities import views

    monkeypatch.setitem(views.HEALTH_CHECKS, "database", lambda: time.sleep(5))
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "timeout"


class UnreachableDatabase:
    """Points the default connection at a database server that is not there, for real:
    PostgreSQL at a closed port, or SQLite at a file in a missing directory."""

    def __init__(self):
        self.settings = connection.settings_dict
        self.saved = dict(self.settings)
        self.saved_connection = None

    def __enter__(self):
        # The live connection is put aside, not closed: an in-memory SQLite test database
        # lives only as long as a connection to it stays open.
        self.saved_connection, connection.connection = connection.connection, None
        if connection.vendor == "sqlite":
            self.settings["NAME"] = "/nonexistent/directory/db.sqlite3"
        else:
            self.settings.update(HOST="127.0.0.1", PORT="1")
        return self

    def come_back(self):
        """The database is reachable again; the site must find it without a restart."""
        self.settings.update(self.saved)

    def __exit__(self, *exc_info):
        self.come_back()
        if connection.connection is not None and connection.vendor != "sqlite":
            connection.close()
        connection.connection = self.saved_connection


@pytest.mark.django_db(transaction=True)
def test_public_pages_answer_a_branded_503_while_the_database_is_away_then_recover(client):
    city = make_city(name="Azogues")
    with UnreachableDatabase() as database:
        for url in (reverse("cities:overview"), city.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 503
            assert response["Retry-After"] == "30"
            assert response["Cache-Control"] == "no-store"
            assert "Temporarily unavailable" in response.text
            assert "Traceback" not in response.text
            # Branded: the site's own header and style.
            assert "Learning Cities" in response.text
            assert "css/site" in response.text

        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["checks"]["database"].startswith("error")

        database.come_back()
        # No restart: the next request reconnects by itself.
        response = client.get(city.get_absolute_url())
        assert response.status_code == 200
        assert "Azogues" in response.text
        assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_503_page_speaks_the_visitors_language(client):
    with UnreachableDatabase():
        response = client.get("/es/")
    assert response.status_code == 503
    assert "No disponible temporalmente" in response.text
