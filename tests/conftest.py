import importlib
import os
import tempfile

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import make_publisher, make_user
from tests.public_helpers import load_seed
from tests.s3 import bucket_storage, moto_server

# Playwright's sync API runs an event loop in the test thread; Django's guard against
# database access from async code would otherwise refuse the test's own queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    # collectstatic never runs in tests; an empty STATIC_ROOT keeps WhiteNoise quiet,
    # including in the live server, which starts before per-test settings apply.
    django_settings.STATIC_ROOT = tempfile.mkdtemp(prefix="learningcities-static-")
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # A file, as in production, rather than Django's shared in-memory database: there,
        # the live server's threads and the test lock each other out at once ("database table
        # is locked") instead of waiting their turn as the site's SQLite settings make them.
        folder = tempfile.mkdtemp(prefix="learningcities-db-")
        database.setdefault("TEST", {})["NAME"] = os.path.join(folder, "test.sqlite3")


@pytest.fixture(scope="session")
def s3_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path, request):
    """Uploaded media go to a temporary folder; static files need no collectstatic."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The live server speaks plain HTTP (pyproject.toml turns off the redirect to HTTPS).
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    cache.clear()  # cached pages must not leak from one test's data into another's
    if os.environ.get("TEST_MEDIA_STORAGE") == "s3":
        # CI runs the photo tests a second time with media on a local S3 server, whose
        # address pages may load images from, as in production (settings.MEDIA_ORIGINS).
        endpoint = request.getfixturevalue("s3_endpoint")
        settings.STORAGES = {**settings.STORAGES, "default": bucket_storage(endpoint)}
        directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            **settings.CONTENT_SECURITY_POLICY,
            "DIRECTIVES": {**directives, "img-src": [*directives["img-src"], endpoint]},
        }
    return settings


@pytest.fixture(autouse=True)
def english():
    """Tests read the English site (/en/…) unless they ask for Spanish, the default."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    # Unprefixed addresses (the admin, "/") follow the browser's language: English here.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def seeded():
    """The site's seed data: the member cities, their programs, the criteria and texts."""
    load_seed()


@pytest.fixture
def editorial_groups(db):
    """The groups as their migrations make them ("Photo uploaders", "Editors", "Publishers"),
    for tests on a flushed database (transaction=True), which has lost them."""
    for migration, function in (
        ("0004_photo_uploader_and_editor_groups", "create_groups"),
        ("0015_publishers_group", "create_publishers"),
    ):
        getattr(importlib.import_module(f"cities.migrations.{migration}"), function)(apps, None)


@pytest.fixture
def superuser(client):
    """A superuser, logged in on `client`."""
    user = make_user("chief", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def editor_client(client, db):
    """`client`, logged in as a member of the Editors group who may publish (Publishers)."""
    client.force_login(make_publisher())
    return client


@pytest.fixture(scope="session")
def browser():
    # Never skipped: `make test` installs Chromium, and a missing browser is a failure.
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: nothing may be skipped silently."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and session.exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; failing the run.", red=True)
        session.exitstatus = 1
