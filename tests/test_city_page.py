"""A city page's programs and gallery: successors linked, photos opening large, placeholders
leaving the gallery once replaced as cover, and the page's queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City, Program, Status
from cities.views import PreparedQuery

from .factories import make_city, make_criterion, make_photo, make_program

pytestmark = pytest.mark.django_db


def test_a_replaced_program_links_to_its_successor(client):
    city = make_city(slug="quito", name="Quito")
    successor = make_program(city, name="Quito Wawas", slug="quito-wawas")
    make_program(
        city,
        name="Guagua Centros",
        lifecycle=Program.Lifecycle.REPLACED,
        replaced_by=successor,
    )
    page = client.get("/en/cities/quito/").text
    assert 'Replaced by <a href="/en/cities/quito/#program-quito-wawas">Quito Wawas</a>' in page


def test_a_successor_in_draft_is_neither_named_nor_linked(client):
    city = make_city(slug="quito")
    successor = make_program(city, name="Secret successor", status=Status.DRAFT)
    make_program(
        city, name="Old program", lifecycle=Program.Lifecycle.REPLACED, replaced_by=successor
    )
    page = client.get("/en/cities/quito/").text
    assert "Old program" in page
    assert "Secret successor" not in page
    assert "Replaced by" not in page


def test_a_successor_in_another_city_links_there_only_while_that_city_is_public(client):
    quito, cuenca = make_city(slug="quito"), make_city(slug="cuenca")
    successor = make_program(cuenca, name="Continued", slug="continued")
    make_program(quito, name="Moved", lifecycle=Program.Lifecycle.REPLACED, replaced_by=successor)
    page = client.get("/en/cities/quito/").text
    assert 'Replaced by <a href="/en/cities/cuenca/#program-continued">Continued</a>' in page

    cuenca.status = Status.DRAFT
    cuenca.save()
    assert "Continued" not in client.get("/en/cities/quito/").text


def test_gallery_photos_open_their_largest_rendition(client):
    city = make_city(slug="loja")
    photo = make_photo(city=city, title="Parque Jipiro")
    photo.remake_renditions()
    largest = photo.picture.jpegs[-1]
    page = client.get("/en/cities/loja/").text
    figure = re.search(rf'<figure class="photo" id="photo-{photo.pk}">(.*?)</figure>', page, re.S)
    assert f'<a class="photo__open" href="{photo.file_url(largest.name)}">' in figure.group(1)
    assert "(opens the large photo)" in figure.group(1)
    assert largest.width == max(jpeg.width for jpeg in photo.picture.jpegs)


def test_a_placeholder_replaced_as_cover_leaves_the_gallery(client):
    city = make_city(slug="azogues", cover=False)
    placeholder = make_photo(city=city, title="Stand-in", is_placeholder=True)
    city.cover_photo = placeholder
    city.save()
    real = make_photo(city=city, title="Real view of Azogues")
    other = make_photo(city=city, title="Cathedral")

    city.cover_photo = real
    city.save()
    page = client.get("/en/cities/azogues/").text
    assert f'id="photo-{real.pk}"' in page  # the cover
    assert f'id="photo-{other.pk}"' in page  # the gallery
    assert "Stand-in" not in page
    # Still a published photo, so still credited, but no page shows it any more.
    credits = client.get("/en/photo-credits/").text
    entry = re.search(rf'id="photo-{placeholder.pk}">(.*?)</li>', credits, re.S).group(1)
    assert "no page yet" in entry

    assert (placeholder.in_gallery, real.in_gallery, other.in_gallery) == (False, False, True)


def test_a_city_page_takes_seven_queries_whatever_it_shows(client, settings):
    """The content version, the city with its cover, its programs, their criteria, its photos,
    its awards and which of its texts may be out of date: one query each, however many there
    are."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    criteria = [make_criterion(), make_criterion()]
    city = make_city(slug="cuenca")
    successor = make_program(city, criteria=criteria)
    for _ in range(4):
        make_program(
            city,
            criteria=criteria[:1],
            lifecycle=Program.Lifecycle.REPLACED,
            replaced_by=successor,
        )
    for _ in range(3):
        make_photo(city=city)
    city.awards.create(year=2024)
    client.get("/en/cities/cuenca/")  # the content-version row is made once
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/cities/cuenca/").text
    assert len(queries) == 7
    assert page.count("Replaced by <a") == 4
    assert page.count('class="photo__open"') == 3


def test_a_prepared_query_runs_its_sql_with_each_calls_values():
    cuenca, loja = make_city(slug="cuenca"), make_city(slug="loja")
    by_slug = PreparedQuery(lambda slug: City.objects.filter(slug=slug))
    assert [city.pk for city in by_slug("cuenca")] == [cuenca.pk]
    with CaptureQueriesContext(connection) as queries:
        assert [city.pk for city in by_slug("loja")] == [loja.pk]
        assert by_slug("nowhere") == []
    assert len(queries) == 2


def test_a_prepared_query_refuses_sql_that_would_not_hold_for_other_values():
    """`pk=None` becomes `IS NULL`: that SQL, kept, would answer every later call wrongly."""
    by_pk = PreparedQuery(lambda pk: City.objects.filter(pk=pk))
    with pytest.raises(ValueError, match="must take exactly the values"):
        by_pk(None)
