"""Public pages are cached for anonymous visitors, and every change shows at once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cities.models import City, ContentVersion, Criterion, SiteText, Status
from cities.page_cache import one_invalidation

from .factories import make_city, make_photo, make_program, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings, redis_url):
    """Run each test with the local-memory cache and with the Redis server of this machine."""
    if request.param == "redis":
        backend = {"BACKEND": "learningcities.redis_cache.RedisCache", "LOCATION": redis_url}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": backend}
    from django.core.cache import cache

    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def city(cache_backend):
    city = make_city(name="Loja", slug="loja")
    make_program(city, name="Loja emprende", slug="loja-emprende")
    return city


def get(client, url):
    """The page's HTML and the number of SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_a_second_anonymous_visit_is_served_from_the_cache(client, city):
    first, first_queries = get(client, city.get_absolute_url())
    second, second_queries = get(client, city.get_absolute_url())
    assert first_queries > 1
    assert second_queries == 1  # only the content version is read
    assert second.content == first.content
    assert "Cookie" in second["Vary"]


def assert_change_shows(client, url, change, expected=None, absent=None):
    client.get(url)  # fill the cache
    change()
    html = client.get(url).content.decode()
    if expected:
        assert expected in html
    if absent:
        assert absent not in html


def test_saving_a_city_shows_on_the_next_request(client, city):
    def change():
        city.narrative = "A brand new story."
        city.save()

    assert_change_shows(client, city.get_absolute_url(), change, expected="A brand new story.")
    assert_change_shows(client, "/en/", lambda: None, expected="A brand new story.")


def test_an_edit_is_one_content_change_and_its_history_version_is_not_another(city):
    versions_before = city.history.count()
    content_before = ContentVersion.current().version

    city.narrative = "A brand new story."
    city.save()

    assert city.history.count() == versions_before + 1
    assert ContentVersion.current().version == content_before + 1


def test_loading_the_seed_is_one_content_change_and_shows_on_the_next_request(client, city):
    client.get("/en/")  # cached without the seed's cities
    content_before = ContentVersion.current().version

    call_command("load_seed")

    assert City.objects.count() == 4  # the seed takes this Loja as its own
    assert ContentVersion.current().version == content_before + 1
    assert "Azogues" in client.get("/en/").content.decode()
    call_command("load_seed")  # nothing left to load: nothing changed
    assert ContentVersion.current().version == content_before + 1


def test_changes_made_inside_one_invalidation_are_shown_once_it_ends(client, city):
    client.get(city.get_absolute_url())
    content_before = ContentVersion.current().version
    with one_invalidation():
        city.tagline = "Loja aprende cantando."
        city.save()
        city.programs.get().delete()
        assert ContentVersion.current().version == content_before
    assert ContentVersion.current().version == content_before + 1
    html = client.get(city.get_absolute_url()).content.decode()
    assert "Loja aprende cantando." in html
    assert "Loja emprende" not in html


def test_deleting_a_program_shows_on_the_next_request(client, city):
    program = city.programs.get()
    assert_change_shows(client, city.get_absolute_url(), program.delete, absent="Loja emprende")


def test_unpublishing_a_city_makes_it_a_404_at_once(client, city):
    client.get(city.get_absolute_url())
    city.status = Status.DRAFT
    city.save()
    assert client.get(city.get_absolute_url()).status_code == 404
    assert 'id="city-loja"' not in client.get("/en/").content.decode()


def test_publishing_a_photo_shows_on_the_next_request(client, city):
    photo = make_photo(city=city, title="Puerta de la Ciudad", status=Status.DRAFT)

    def change():
        photo.status = Status.PUBLISHED
        photo.save()

    assert_change_shows(client, city.get_absolute_url(), change, expected="Puerta de la Ciudad")


def test_changing_the_criteria_of_a_program_shows_on_the_next_request(client, city):
    criterion = Criterion.objects.create(title="Workplace learning", slug="work", statement="…")
    program = city.programs.get()
    assert_change_shows(
        client,
        city.get_absolute_url(),
        lambda: program.criteria.add(criterion),
        expected="Workplace learning",
    )


def test_editing_a_site_text_shows_on_the_overview(client, city):
    assert_change_shows(
        client,
        "/en/",
        lambda: SiteText.objects.create(key=SiteText.Key.BENEFITS, text="Cities that learn."),
        expected="Cities that learn.",
    )


def test_logged_in_editors_never_get_the_cached_public_page(client, city):
    city.status = Status.DRAFT
    city.save()
    assert client.get(city.get_absolute_url()).status_code == 404
    editor = make_user(is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename="view_city"))
    client.force_login(editor)
    response = client.get(city.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: this page is not visible to the public." in response.content.decode()


def test_pages_answer_304_to_a_matching_etag_or_date(client, city):
    first = client.get("/en/")
    assert client.get("/en/", headers={"if-none-match": first["ETag"]}).status_code == 304
    since = first["Last-Modified"]
    assert client.get("/en/", headers={"if-modified-since": since}).status_code == 304
    city.narrative = "A new chapter."
    city.save()
    assert client.get("/en/", headers={"if-none-match": first["ETag"]}).status_code == 200


def test_the_cache_is_shared_across_server_processes(client, city):
    """The version lives in the database: another process's change invalidates this one's cache."""
    client.get(city.get_absolute_url())
    # What a save in another gunicorn worker does, seen from this process: only the row moves.
    City.objects.filter(pk=city.pk).update(narrative="Changed by another worker.")
    ContentVersion.bump()
    assert "Changed by another worker." in client.get(city.get_absolute_url()).text


def test_pages_are_compressed_for_browsers_that_accept_it(client, city):
    response = client.get("/en/", headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_search_results_are_cached_and_follow_changes(client, city):
    url = "/en/search/?q=emprende"
    assert "<mark>emprende</mark>" in client.get(url).text
    _, queries = get(client, url)
    assert queries == 1
    program = city.programs.get()
    program.name_en = "Loja innova"
    program.save()
    assert "<mark>emprende</mark>" not in client.get(url).text


def test_a_very_long_query_string_is_cached_under_a_short_key(client, city):
    url = "/en/search/?q=" + "aprender " * 1200
    assert client.get(url).status_code == 200
    _, queries = get(client, url)
    assert queries == 1


def test_a_cached_page_keeps_every_header_the_middleware_added(client, city):
    first = client.get("/en/")
    second, queries = get(client, "/en/")
    assert queries == 1
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "Content-Language",
        "ETag",
        "Last-Modified",
        "Vary",
    ):
        assert second[header] == first[header], header
    assert second["Content-Language"] == "en"


def test_compressed_and_plain_copies_are_cached_apart(client, city):
    gzipped = client.get("/en/", headers={"accept-encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip"
    plain, queries = get(client, "/en/")
    assert queries > 1  # not the compressed copy
    assert "Content-Encoding" not in plain
    assert "Loja" in plain.text
    again, queries = get(client, "/en/")
    assert queries == 1
    assert "Content-Encoding" not in again
    with CaptureQueriesContext(connection) as queries:
        gzipped_again = client.get("/en/", headers={"accept-encoding": "gzip"})
    assert len(queries) == 1
    assert gzipped_again.content == gzipped.content


def test_a_made_up_session_cookie_gets_the_cached_page(client, city, settings):
    """Only a logged-in session skips the cache: a junk cookie made every request a render."""
    first = client.get("/en/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    response, queries = get(client, "/en/")
    assert response.status_code == 200
    assert queries == 2  # the cookie's session (none) and the content version: no rendering
    assert response.content == first.content


def test_a_page_made_for_a_made_up_session_cookie_is_stored_for_everyone(client, city, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    first = client.get("/en/")
    assert first.status_code == 200
    assert not first.cookies  # nothing of one visitor's is in the stored page
    assert stored_pages() == 1
    del client.cookies[settings.SESSION_COOKIE_NAME]
    response, queries = get(client, "/en/")
    assert queries == 1
    assert response.content == first.content


def stored_pages():
    """How many pages the cache holds, whatever the backend."""
    from django.core.cache import cache

    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # local memory
        keys = list(cache._cache)
    else:
        keys = cache._cache.get_client().keys("*")
    return sum(
        b"public-page:" in key if isinstance(key, bytes) else "public-page:" in key for key in keys
    )


def test_parameters_a_page_does_not_read_make_no_new_entry(client, city):
    """2,000 `?utm_x=N` addresses made 2,000 entries, each rendered afresh."""
    first = client.get("/es/criteria/?utm_x=0")
    assert first.status_code == 200
    # The page is made from the address without them: nobody's parameters are kept in it.
    assert "utm_x" not in first.text
    for number in range(1, 200):
        response, queries = get(client, f"/es/criteria/?utm_x={number}&fbclid={number}")
        assert response.status_code == 200
        assert queries == 1
    assert stored_pages() == 1
    assert get(client, "/es/criteria/")[1] == 1  # the very same entry


def test_parameters_a_page_reads_still_choose_its_content(client, city):
    make_city(name="Cuenca", slug="cuenca", province="Azuay")
    html = client.get("/en/cities/?province=Azuay&utm_source=mail").text
    assert 'href="/en/cities/cuenca/"' in html
    assert 'href="/en/cities/loja/"' not in html
    assert "utm_source" not in html
    assert "?province=Azuay" in html  # the language links keep the filter
    assert 'href="/en/cities/loja/"' in client.get("/en/cities/").text
    assert stored_pages() == 2


@pytest.mark.parametrize(
    "url",
    [
        "/en/cities/?page=01",
        "/en/cities/?page=last",
        "/en/cities/?page=7",
        "/en/cities/?year=1850",
        "/en/cities/?province=Atlantis",
        "/en/cities/?criterion=no-such-criterion",
        "/en/?page=x",
        "/en/criteria/?page=2",
    ],
)
def test_an_invalid_page_number_or_filter_value_makes_no_entry(client, city, url):
    for _ in range(2):
        assert client.get(url).status_code in (200, 404)
    assert stored_pages() == 0


def test_a_flood_of_searches_stops_adding_entries(client, city, monkeypatch):
    monkeypatch.setattr("cities.page_cache.MAX_VARIANTS", 5)
    assert "<mark>emprende</mark>" in client.get("/en/search/?q=emprende").text
    for number in range(20):
        assert client.get(f"/en/search/?q=word{number}").status_code == 200
    assert stored_pages() == 5
    # Past the bound, searches are still answered, freshly made; the kept ones from the cache.
    response, queries = get(client, "/en/search/?q=loja")
    assert "<mark>Loja</mark>" in response.text
    assert queries > 1
    assert get(client, "/en/search/?q=emprende")[1] == 1
    # Pages without a query string are always kept.
    client.get("/en/search/")
    assert stored_pages() == 6


DATA = [
    "/data/learning-cities.json",
    "/data/cities.csv",
    "/data/programs.csv",
    "/data/criteria.csv",
    "/data/photos.csv",
]


@pytest.mark.parametrize("url", DATA)
def test_open_data_is_cached_until_the_content_changes(client, city, url):
    """Uncached, ten clients on the JSON of 500 cities held up every page."""
    first = client.get(url)
    assert first.status_code == 200
    second, queries = get(client, url)
    assert queries == 1
    assert second.content == first.content
    ContentVersion.bump()  # what any save does
    assert get(client, url)[1] > 1


def test_the_open_data_follows_changes_at_once(client, city):
    url = "/data/learning-cities.json"
    first = client.get(url)
    city.narrative = "A new chapter."
    city.save()
    changed = client.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert "A new chapter." in changed.text


@pytest.mark.parametrize("url", DATA)
def test_open_data_is_the_same_bytes_each_time_it_is_made(client, city, url):
    """Each worker makes its own copy (local-memory cache), and a copy is made again when the
    cache forgets it: a visitor's ETag must match whichever copy answers."""
    from django.core.cache import cache

    first = client.get(url, headers={"accept-encoding": "gzip"})
    cache.clear()
    later = timezone.now() + timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        again = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_the_json_says_when_its_content_last_changed(client, city):
    changed_at = ContentVersion.current().changed_at
    assert client.get("/data/learning-cities.json").json()["updated_at"] == (
        changed_at.isoformat(timespec="seconds")
    )


@pytest.mark.parametrize("url", DATA)
def test_open_data_answers_304(client, city, url):
    first = client.get(url, headers={"accept-encoding": "gzip"})
    assert first["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    since = first["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": since}).status_code == 304


def test_open_data_is_compressed_and_kept_so(client, city):
    first = client.get("/data/learning-cities.json", headers={"accept-encoding": "gzip"})
    assert first["Content-Encoding"] == "gzip"
    second, queries = get(client, "/data/learning-cities.json")
    assert queries > 1  # the plain copy is made apart
    assert "Content-Encoding" not in second


def test_pages_are_made_without_the_cache_while_redis_is_unreachable(client, settings, caplog):
    # Nothing listens on port 1: every connection is refused.
    settings.CACHES = {
        "default": {
            "BACKEND": "learningcities.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    city = make_city(name="Loja", slug="loja")
    for url in ("/en/", city.get_absolute_url(), "/en/search/?q=Loja", "/data/cities.csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Loja" in response.content.decode()
    city.name = "Loja, ciudad que aprende"
    city.save()
    assert "Loja, ciudad que aprende" in client.get(city.get_absolute_url()).text
    # One failed attempt, then the cache is left alone for a while: one timeout, not one per page.
    failures = [r for r in caplog.records if r.getMessage().startswith("Page cache unavailable")]
    assert len(failures) == 1
