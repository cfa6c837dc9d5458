"""UNESCO's profile of a member city: mayor, focal point, vision and strategy, programs under
the three policy themes with good practices marked, and the source of every fact."""

import csv
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError

from cities.models import City, LearningCityAward, Program, Status

from .factories import make_city, make_criterion, make_photo, make_program
from .public_helpers import count_queries

pytestmark = pytest.mark.django_db


def json_ld_of(html):
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )


def program_headings(html):
    """The theme headings (h3) and program names (h3 or h4) of the programs section, in order."""
    section = html[html.index('id="programs-heading"') :]
    return re.findall(
        r'<(h[34]) class="(?:theme-heading|program__name)"[^>]*>(.*?)</h[34]>', section
    )


@pytest.mark.parametrize(
    "address", ["ftp://example.org/report", "javascript:alert(1)", "mailto:mayor@example.org"]
)
def test_a_source_must_be_a_web_address(address):
    city = make_city()
    program = make_program(city, source_url=address)
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert "Enter a web address that starts with http:// or https://." in error.value.messages

    for field in ("mayor_source_url", "profile_source_url", "population_source"):
        setattr(city, field, address)
    with pytest.raises(ValidationError) as error:
        city.full_clean()
    assert set(error.value.message_dict) == {
        "mayor_source_url",
        "profile_source_url",
        "population_source",
    }
    with pytest.raises(ValidationError):
        LearningCityAward(city=city, year=2024, source_url=address).full_clean()


def test_http_and_https_sources_are_accepted():
    city = make_city(mayor_source_url="http://example.org/mayor")
    make_program(city, source_url="https://example.org/program").full_clean()
    city.full_clean()


def test_the_city_page_shows_unescos_profile_with_its_sources(client, seeded):
    html = client.get("/en/cities/azogues/").content.decode()

    assert "<dt>Mayor</dt>" in html
    assert "Javier Serrano Cayamcela (since 2023)" in html
    assert "<dt>Focal point</dt>" in html
    assert "Emily Adriana Riera Alvarez" in html
    assert '<h2 id="vision-heading">Vision and strategy</h2>' in html
    assert "unity, knowledge and perseverance" in html
    assert (
        'Source: <a href="https://www.uil.unesco.org/en/learning-cities/azogues" '
        'rel="noopener">uil.unesco.org</a>'
    ) in html
    assert 'href="https://www.eluniverso.com/noticias/ecuador/un-exconcejal' in html


def test_the_city_page_shows_the_profile_in_spanish(client, seeded):
    html = client.get("/es/cities/azogues/").content.decode()

    assert "<dt>Alcalde</dt>" in html
    assert "Javier Serrano Cayamcela (desde 2023)" in html
    assert "<dt>Punto focal</dt>" in html
    assert '<h2 id="vision-heading">Visión y estrategia</h2>' in html
    assert "unidad, conocimiento y perseverancia" in html
    assert "Fuente: <a" in html
    assert '<p class="good-practice">Buena práctica</p>' in html
    assert "Sostenibilidad y salud" in html
    assert "Descontaminación del río Burgay" in html


def test_programs_are_grouped_under_unescos_themes_with_good_practices_marked(client, seeded):
    html = client.get("/en/cities/loja/").content.decode()

    assert program_headings(html) == [
        ("h3", "Equity and inclusion"),
        ("h4", "DIGNITY"),
        ("h4", "Social reintegration of migrants with the Haciendo Panas Foundation"),
        ("h4", "Entrepreneurship training for people with disabilities"),
        ("h3", "Decent work and entrepreneurship"),
        ("h4", "Seed schools"),
        ("h4", "Learning weeks"),
        ("h3", "Other programs"),
        ("h4", "Stories that change the story"),
    ]
    stories = html[html.index('id="program-stories-that-change-the-story"') :]
    assert stories.index('<p class="good-practice">Good practice</p>') < stories.index("</li>")
    assert html.count('<p class="good-practice">') == 1
    # Its six programs and its vision and strategy come from UNESCO's profile of Loja.
    assert html.count('Source: <a href="https://uil.unesco.org/city/loja"') == 7


def test_a_city_whose_programs_have_no_theme_lists_them_without_theme_headings(client):
    city = make_city()
    make_program(city, name="Reading circles")
    html = client.get(city.get_absolute_url()).content.decode()

    assert program_headings(html) == [("h3", "Reading circles")]
    assert "Other programs" not in html


def test_quitos_page_shows_each_programs_source_and_lifecycle(client, seeded):
    html = client.get("/en/cities/quito/").content.decode()

    assert "Pabel Muñoz (since 2023)" in html
    assert 'Replaced by <a href="/en/cities/quito/#program-cero-acoso">Cero Acoso</a>' in html
    assert 'Source: <a href="https://www.lahora.com.ec/pais/quito-guagua-centros-cierre/"' in html
    assert ">pasajeros.quito.gob.ec</a>" in html
    # No vision or focal point was found for Quito: the page shows none.
    assert "vision-heading" not in html
    assert "<dt>Focal point</dt>" not in html


def test_json_ld_carries_the_profile_and_the_public_programs(client, seeded):
    loja = City.objects.get(slug="loja")
    make_program(loja, name="A draft program", status=Status.DRAFT)
    data = json_ld_of(client.get("/en/cities/azogues/").content.decode())

    assert {
        "@type": "PropertyValue",
        "propertyID": "mayor",
        "name": "Mayor",
        "value": "Javier Serrano Cayamcela",
        "description": "since 2023",
        "url": (
            "https://www.eluniverso.com/noticias/ecuador/un-exconcejal-gano-la-alcaldia-de-"
            "azogues-y-vencio-al-actual-alcalde-que-buscaba-la-reeleccion-nota/"
        ),
    } in data["additionalProperty"]
    focal_point = data["additionalProperty"][1]
    assert (focal_point["propertyID"], focal_point["value"]) == (
        "focalPoint",
        "Emily Adriana Riera Alvarez",
    )
    vision, *programs = data["subjectOf"]
    assert vision["name"] == "Vision and strategy"
    assert vision["citation"] == "https://www.uil.unesco.org/en/learning-cities/azogues"
    burgay = next(work for work in programs if work["name"].startswith("Decontamination"))
    assert burgay == {
        "@type": "CreativeWork",
        "name": "Decontamination of the Burgay River",
        "abstract": Program.objects.get(slug="burgay-river-decontamination").summary_en,
        "url": "http://testserver/en/cities/azogues/#program-burgay-river-decontamination",
        "about": "sustainability and health",
        "keywords": "Good practice",
        "citation": "https://www.uil.unesco.org/en/learning-cities/azogues",
    }

    spanish = json_ld_of(client.get("/es/cities/loja/").content.decode())
    names = [work["name"] for work in spanish["subjectOf"]]
    assert "Visión y estrategia" in names and "Escuelas semilla" in names
    assert "A draft program" not in names


def test_open_data_json_carries_the_profile_and_the_programs_themes_and_sources(client, seeded):
    cities = {
        city["slug"]: city for city in client.get("/data/learning-cities.json").json()["cities"]
    }

    azogues = cities["azogues"]
    assert azogues["mayor"]["name"] == "Javier Serrano Cayamcela"
    assert azogues["mayor"]["since"] == 2023
    assert azogues["mayor"]["source_url"].startswith("https://www.eluniverso.com/")
    assert azogues["focal_point"]["name"] == "Emily Adriana Riera Alvarez"
    assert azogues["vision"]["es"].startswith("Azogues quiere")
    assert azogues["vision"]["en"].startswith("Azogues wants")
    assert azogues["profile_source_url"] == "https://www.uil.unesco.org/en/learning-cities/azogues"
    burgay = next(p for p in azogues["programs"] if p["slug"] == "burgay-river-decontamination")
    assert (burgay["theme"], burgay["good_practice"]) == ("sustainability_health", True)
    assert burgay["source_url"] == "https://www.uil.unesco.org/en/learning-cities/azogues"


def test_open_data_csv_carries_the_profile_and_the_programs_themes_and_sources(client, seeded):
    cities = {
        row["slug"]: row
        for row in csv.DictReader(io.StringIO(client.get("/data/cities.csv").content.decode()))
    }
    azogues = cities["azogues"]
    assert (azogues["mayor"], azogues["mayor_since"]) == ("Javier Serrano Cayamcela", "2023")
    assert azogues["focal_point_name"] == "Emily Adriana Riera Alvarez"
    assert azogues["vision_es"].startswith("Azogues quiere")
    assert azogues["profile_source_url"] == "https://www.uil.unesco.org/en/learning-cities/azogues"
    assert {"focal_point_role_es", "focal_point_institution_en", "mayor_source_url"} <= set(azogues)
    assert cities["loja"]["mayor_since"] == ""

    programs = {
        row["slug"]: row
        for row in csv.DictReader(io.StringIO(client.get("/data/programs.csv").content.decode()))
    }
    sweets = programs["master-class-of-sweets"]
    assert (sweets["theme"], sweets["good_practice"]) == ("decent_work", "True")
    assert sweets["source_url"].startswith("https://unesco-uil.pageflow.io/")


def test_every_seeded_city_has_a_row_of_served_criteria_in_the_matrix(client, seeded):
    rows = client.get("/en/criteria/").context["rows"]

    assert [row["city"].slug for row in rows] == ["cuenca", "quito", "loja", "azogues"]
    for row in rows:
        assert any(cell["programs"] for cell in row["cells"]), row["city"]


def test_city_page_query_count_stays_fixed_with_themes_good_practices_and_sources(client):
    city = make_city(
        mayor="A mayor",
        mayor_since=2023,
        mayor_source_url="https://example.org/mayor",
        focal_point_name="A focal point",
        focal_point_role="Coordinator",
        vision="A vision.",
        profile_source_url="https://example.org/profile",
    )
    criterion = make_criterion()

    def add_programs(count):
        for number in range(count):
            theme = [*Program.Theme.values, ""][number % 4]
            make_program(
                city,
                [criterion],
                theme=theme,
                is_good_practice=number % 2 == 0,
                source_url="https://example.org/program",
                summary="A summary.",
            )
            make_photo(city=city)

    add_programs(4)
    few = count_queries(client, city.get_absolute_url())
    add_programs(20)
    assert count_queries(client, city.get_absolute_url()) == few
    assert few <= 7


def test_the_history_records_the_profile_in_both_languages():
    city = make_city()
    city.mayor = "A new mayor"
    city.vision_es = "Una visión."
    city.vision_en = "A vision."
    city.save()
    program = make_program(city, theme=Program.Theme.DECENT_WORK, source_url="https://example.org/")

    version = city.history.first()
    assert (version.mayor, version.vision_es, version.vision_en) == (
        "A new mayor",
        "Una visión.",
        "A vision.",
    )
    assert program.history.first().theme == "decent_work"
    assert program.history.first().source_url == "https://example.org/"
