"""Every public page takes the same number of SQL queries at 4 cities and at 500 cities with
5 programs and 3 photos each: nothing is fetched per city, program or photo."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City, ContentVersion, Criterion, Photo, Program, Status

from .factories import in_both_languages, jpeg_bytes

pytestmark = pytest.mark.django_db

OVERVIEW_PAGE_2 = "/en/?page=2"
PAGES = [
    "/en/",
    OVERVIEW_PAGE_2,
    "/en/cities/city-0001/",
    "/en/cities/",
    "/en/cities/?year=2017",
    "/en/criteria/",
    "/en/map/",
    "/en/photo-credits/",
    "/en/search/?q=city",
    "/sitemap.xml",
    "/data/learning-cities.json",
    "/data/cities.csv",
    "/data/programs.csv",
    "/data/photos.csv",
]


def grow_network(total, programs_per_city=5, photos_per_city=3):
    """Bulk-create cities up to `total`, each with its programs (two criteria each) and photos."""
    criteria = list(Criterion.objects.all())
    image = default_storage.save("scale/photo.jpg", ContentFile(jpeg_bytes(800, 500)))
    start = City.objects.count()
    cities = City.objects.bulk_create(
        City(
            **in_both_languages(
                City,
                {
                    "name": f"City {number:04d}",
                    "slug": f"city-{number:04d}",
                    "year_joined": 2013 + number % 12,
                    "province": f"Province {number % 24}",
                    "narrative": f"City {number:04d} learns together.",
                    "status": Status.PUBLISHED,
                },
            )
        )
        for number in range(start + 1, total + 1)
    )
    photos = Photo.objects.bulk_create(
        Photo(
            **in_both_languages(
                Photo,
                {
                    "image": image,
                    "width": 800,
                    "height": 500,
                    "title": f"View {index} of {city.slug}",
                    "alt_text": "A street with trees",
                    "author": "Ana Pérez",
                    "city": city,
                    "status": Status.PUBLISHED,
                },
            )
        )
        for city in cities
        for index in range(photos_per_city)
    )
    for city, cover in zip(cities, photos[::photos_per_city], strict=True):
        city.cover_photo = cover
    City.objects.bulk_update(cities, ["cover_photo"])
    programs = Program.objects.bulk_create(
        Program(
            **in_both_languages(
                Program,
                {
                    "city": city,
                    "name": f"Program {index} of {city.slug}",
                    "slug": f"program-{index}",
                    "status": Status.PUBLISHED,
                },
            )
        )
        for city in cities
        for index in range(programs_per_city)
    )
    Through = Program.criteria.through
    Through.objects.bulk_create(
        Through(program=program, criterion=criteria[(index + step) % len(criteria)])
        for index, program in enumerate(programs)
        for step in range(2)
    )
    # Bulk writes send no signals: say the content changed, as a save would.
    ContentVersion.bump()


def make_six_criteria():
    Criterion.objects.bulk_create(
        Criterion(
            **in_both_languages(Criterion, {"title": f"C{n}", "slug": f"c{n}", "statement": "…"})
        )
        for n in range(6)
    )


def query_counts(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_query_counts_do_not_grow_from_4_to_500_cities(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    make_six_criteria()
    grow_network(4)
    client.get("/en/")  # the first request creates the content-version row once
    first_pages = [url for url in PAGES if url != OVERVIEW_PAGE_2]  # 4 cities fit on page 1
    small = query_counts(client, first_pages)

    grow_network(500)
    assert (City.objects.count(), Program.objects.count(), Photo.objects.count()) == (
        500,
        2500,
        1500,
    )
    large = query_counts(client, PAGES)
    assert large.pop(OVERVIEW_PAGE_2) == large["/en/"]
    assert large == small
    assert max(large.values()) <= 12


def test_the_criteria_matrix_shows_50_cities_a_page(client):
    make_six_criteria()
    grow_network(120, programs_per_city=1, photos_per_city=1)
    first = client.get("/en/criteria/")
    assert first.text.count('<th scope="row">') == 50
    assert 'rel="next" href="?page=2#matrix-heading"' in first.text
    last = client.get("/en/criteria/", {"page": 3})
    assert last.text.count('<th scope="row">') == 20
    assert client.get("/en/criteria/", {"page": "nine"}).status_code == 404
