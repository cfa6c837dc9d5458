"""The Atom feed of the network's news, per language: only what is public, valid Atom."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cities.models import LearningCityAward

from .factories import make_city, make_program

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def network():
    loja = make_city(
        name_es="Loja", name_en="Loja", slug="loja", tagline_es="Ciudad musical", tagline_en="Music"
    )
    make_program(
        loja, name_es="Loja emprende", name_en="Loja starts up", summary="Empresas", slug="emprende"
    )
    LearningCityAward.objects.create(city=loja, year=2024)
    # Nothing of these may be named.
    secret = make_city(name="Ciudad Secreta", slug="secreta", status="draft")
    make_program(secret, name="Programa de la ciudad secreta")
    LearningCityAward.objects.create(city=secret, year=2021)
    make_program(loja, name="Borrador de Loja", status="draft")
    make_program(loja, name="Programa futuro", published_at=timezone.now() + timedelta(days=1))
    make_city(name="Ciudad futura", slug="futura", published_at=timezone.now() + timedelta(days=1))
    return loja


def feed(client, url="/es/feed/", **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response, ET.fromstring(response.content)


def entries(root):
    return {entry.findtext(f"{ATOM}title"): entry for entry in root.iter(f"{ATOM}entry")}


def test_the_spanish_feed_lists_new_cities_programs_and_awards_in_spanish(client, network):
    _response, root = feed(client)
    assert root.findtext(f"{ATOM}title") == "Ciudades del Aprendizaje del Ecuador: novedades"
    assert set(entries(root)) == {
        "Nueva ciudad miembro: Loja",
        "Nuevo programa en Loja: Loja emprende",
        "Loja recibe el Premio UNESCO Ciudad del Aprendizaje 2024",
    }
    award = entries(root)["Loja recibe el Premio UNESCO Ciudad del Aprendizaje 2024"]
    assert award.find(f"{ATOM}link").get("href") == "http://testserver/es/cities/loja/"


def test_an_award_is_news_from_new_years_day_in_ecuador(client):
    quito = make_city(name="Quito", slug="quito", published_at=timezone.now() - timedelta(days=800))
    award_year = timezone.localdate().year - 1
    LearningCityAward.objects.create(city=quito, year=award_year)
    _response, root = feed(client, "/en/feed/")
    (award,) = (entry for title, entry in entries(root).items() if "Award" in title)
    updated = datetime.fromisoformat(award.findtext(f"{ATOM}updated"))
    assert updated == datetime(award_year, 1, 1, tzinfo=ZoneInfo("America/Guayaquil"))


def test_the_english_feed_speaks_english(client, network):
    _response, root = feed(client, "/en/feed/")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert "New program in Loja: Loja starts up" in entries(root)
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/en/feed/"


@pytest.mark.parametrize("url", ["/es/feed/", "/en/feed/"])
def test_drafts_scheduled_items_and_everything_of_a_draft_city_are_never_named(
    client, network, url
):
    response, _root = feed(client, url)
    text = response.content.decode()
    for hidden in ["Secret", "secreta", "Borrador", "futur", "2021"]:
        assert hidden not in text


def test_the_feed_is_valid_atom_with_unique_ids_dates_and_absolute_links(client, network):
    _response, root = feed(client)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "http://testserver/es/feed/"
    assert root.findtext(f"{ATOM}updated")
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Ciudades del Aprendizaje"
    ids = []
    for entry in root.iter(f"{ATOM}entry"):
        ids.append(entry.findtext(f"{ATOM}id"))
        assert entry.findtext(f"{ATOM}updated") >= entry.findtext(f"{ATOM}published")
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/es/")
    assert len(ids) == len(set(ids)) == 3
    assert all(id_.startswith("http://testserver/es/") for id_ in ids)


def test_every_page_links_both_feeds_from_its_head(client, network):
    head = client.get("/en/cities/loja/").content.decode().split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" lang="es" href="/es/feed/" '
        'title="Ciudades del Aprendizaje del Ecuador: novedades">'
    ) in head
    assert (
        '<link rel="alternate" type="application/atom+xml" lang="en" href="/en/feed/" '
        'title="Learning Cities of Ecuador: what is new">'
    ) in head


def test_only_the_pages_language_versions_carry_hreflang(client, network):
    """`hreflang` on an alternate link names this page in another language, at an absolute
    address (Lighthouse's SEO audit failed when the feeds' relative links carried it)."""
    head = client.get("/en/cities/loja/").content.decode().split("</head>")[0]
    hreflang_links = [link for link in re.findall(r"<link [^>]*>", head) if "hreflang=" in link]
    assert hreflang_links == [
        '<link rel="alternate" hreflang="es" href="http://testserver/es/cities/loja/">',
        '<link rel="alternate" hreflang="en" href="http://testserver/en/cities/loja/">',
        '<link rel="alternate" hreflang="x-default" href="http://testserver/cities/loja/">',
    ]


def test_unknown_parameters_are_ignored(client, network):
    plain, _root = feed(client)
    odd, _root = feed(client, q="\x00" * 100, page="-1", format="rss", utm_source="x" * 5000)
    assert odd.content == plain.content


def test_the_feed_is_cached_and_follows_changes(client, network, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    feed(client)
    with CaptureQueriesContext(connection) as queries:
        feed(client)
    assert len(queries) == 1  # only the content version is read
    make_program(network, name="Loja lee")
    _response, root = feed(client)
    assert "Nuevo programa en Loja: Loja lee" in entries(root)
