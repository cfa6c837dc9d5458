import fcntl
import os
import tempfile

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import translation

from tests import clock
from tests.factories import make_publisher, make_staff, make_user
from tests.live_site import prepare_site
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
    clock.start()  # TEST_CLOCK, before anything reads the time (tests/clock.py)
    # Django's advice for tests: the production hasher is slow on purpose. Set here rather
    # than per test, so that session fixtures and the live servers' threads use it too.
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
def redis_url(worker_id):
    """A Redis database of this machine's server for this test process alone: with xdist, two
    workers flushing one database would empty each other's cache in the middle of a test."""
    number = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
    if number > 7:
        pytest.fail("Redis has 16 databases; the tests use 15 down to 8, one per worker.")
    return f"redis://127.0.0.1:6379/{15 - number}"


@pytest.fixture(scope="session")
def prepared_site(tmp_path_factory, worker_id):
    """A folder with a site as `make serve` prepares it on SQLite (migrated, seeded), made once
    per run and shared by xdist's workers (under a lock in their common temporary folder): the
    tests' servers start from a copy (tests.live_site.copy_prepared_site) instead of spending
    half a minute each on the same preparation. tests/test_production_server.py still starts
    from nothing, as an operator's first `make serve` does."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the run's, above each worker's own
    folder = shared / "prepared-site"
    with open(shared / "prepared-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / "ready").exists():
            folder.mkdir(exist_ok=True)
            prepare_site(folder)
            (folder / "ready").touch()
    return folder


def pytest_collection_modifyitems(items):
    """Every committed test (transaction=True, or a live server) starts from the database as
    the migrations left it, staff groups included, and its flush leaves the content types and
    permissions alone (serialized rollback): remade by a flush they would get other ids, and
    the next test restoring the migrations' rows would collide with them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        committed = (
            marker.kwargs.get("transaction")
            if marker
            else ("live_server" in item.fixturenames or "transactional_db" in item.fixturenames)
        )
        if committed:
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True}
            kwargs["serialized_rollback"] = True
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, its rows as the migrations left them kept for the committed tests'
    serialized rollback on the connection class rather than the connection: Playwright's sync
    API runs an event loop in the test thread, and Django keeps connections per context, so a
    test after the browser started has another connection object than the one that kept them."""
    from django.db import connections

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


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
    # The live server speaks plain HTTP (pyproject.toml turns off the redirect to HTTPS).
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    cache.clear()  # cached pages must not leak from one test's data into another's
    # A test that flushes and restores (a backup's) may number the kinds of content anew.
    ContentType.objects.clear_cache()
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


@pytest.fixture
def database_tasks(settings):
    """Background work kept in the database for the worker (`manage.py db_worker`), as on
    the site, instead of done at once as in the other tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


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
def people(db):
    """One person of each kind of staff, by role: two photo uploaders, an editor who may not
    publish and a publisher (an editor who may), each with a mail address."""
    return {
        "uploader": make_staff("Photo uploaders", username="ana", email="ana@example.org"),
        "other_uploader": make_staff("Photo uploaders", username="luis", email="luis@example.org"),
        "editor": make_staff(
            "Editors", username="eva", first_name="Eva", last_name="Ortiz", email="eva@example.org"
        ),
        "publisher": make_publisher(
            username="pablo", first_name="Pablo", last_name="Vera", email="pablo@example.org"
        ),
    }


@pytest.fixture
def site(live_server):
    """The address of the live server (a thread of this process), with the site's seed."""
    load_seed()
    return live_server.url


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
