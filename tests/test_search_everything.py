"""One search on the dashboard finds any item the person may open, by its word forms, in
both languages, published or not; each list's own search does the finding."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import Status

from .factories import (
    change_url,
    logged_in_client,
    make_city,
    make_photo,
    make_program,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("admin:search_everything")


def found(response):
    """The lists found in, each with its items' labels."""
    assert response.status_code == 200
    return {
        str(section.opts.verbose_name_plural): [label for label, _url in section.items]
        for section in response.context["found"]
    }


@pytest.fixture
def quito():
    city = make_city(
        name="Quito",
        slug="quito",
        narrative_es="<p>Una ciudad para las personas adultas mayores.</p>",
        narrative_en="<p>A city for older adults.</p>",
    )
    make_program(
        city,
        name_es="Sistema Integral de Atención a Personas Adultas Mayores",
        name_en="Integrated Care System for Older Adults",
    )
    make_program(city, name_es="Bájale al Acoso", name_en="Bájale al Acoso", status=Status.DRAFT)
    make_photo(city=city, title_es="Mayores en el parque", title_en="Elders in the park")
    return city


def test_the_dashboard_has_the_search(people):
    html = logged_in_client(people["editor"]).get(reverse("admin:index")).content.decode()
    assert f'action="{SEARCH}"' in html
    assert '<label for="search-everything-q">Search all content</label>' in html


def test_word_forms_are_found_in_every_list_with_links_to_the_forms(people, quito):
    response = logged_in_client(people["editor"]).get(SEARCH, {"q": "adulto mayor"})
    assert found(response) == {
        "cities": ["Quito"],
        "programs": ["Integrated Care System for Older Adults"],
    }
    program = quito.programs.get(name_en__startswith="Integrated")
    assert f'href="{change_url(program)}"' in response.content.decode()
    assert "2 items found for “adulto mayor”." in response.content.decode()


def test_drafts_are_found_too(people, quito):
    assert found(logged_in_client(people["editor"]).get(SEARCH, {"q": "acosos"})) == {
        "programs": ["Bájale al Acoso"]
    }


def test_an_uploader_finds_only_in_the_lists_they_may_open(people, quito):
    own = make_photo(title_es="Mayores leyendo", title_en="Elders reading", status=Status.DRAFT)
    own.uploaded_by = people["uploader"]
    own.save()
    response = logged_in_client(people["uploader"]).get(SEARCH, {"q": "mayores"})
    lists = found(response)
    assert list(lists) == ["photos"]
    assert "Elders reading" in lists["photos"]
    html = response.content.decode()
    assert change_url(quito) not in html
    assert "/admin/cities/program/" not in html
    nothing = logged_in_client(people["uploader"]).get(SEARCH, {"q": "acoso"})
    assert found(nothing) == {}
    assert "Nothing found for “acoso” in the lists you may open." in nothing.content.decode()


def test_a_long_list_shows_its_first_items_and_leads_to_the_list_searched(people, quito):
    for number in range(12):
        make_program(quito, name_es=f"Taller de lectura {number}", name_en=f"Reading {number}")
    response = logged_in_client(people["editor"]).get(SEARCH, {"q": "talleres"})
    assert len(found(response)["programs"]) == 10
    program_list = reverse("admin:cities_program_changelist")
    assert f'href="{program_list}?q=talleres">All 12 in the list of programs</a>' in (
        response.content.decode()
    )


def test_the_queries_do_not_grow_with_what_is_found(people, quito):
    client = logged_in_client(people["editor"])
    client.get(SEARCH, {"q": "quito"})  # the lists' word indexes are made once

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(SEARCH, {"q": "quito"})
        return len(captured)

    before = queries()
    for number in range(15):
        make_program(quito, name=f"Program of Quito {number}")
    client.get(SEARCH, {"q": "quito"})
    assert queries() == before


@pytest.mark.parametrize("query", ["", "   ", "\x00", "x" * 5000, "%", "'; --", "<script>"])
def test_odd_searches_answer_with_a_page(people, quito, query):
    response = logged_in_client(people["editor"]).get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert found(response) == {}


def test_the_search_is_in_spanish_for_spanish_staff(people, quito):
    client = logged_in_client(people["editor"], language="es")
    html = client.get(SEARCH, {"q": "mayores"}).content.decode()
    assert "Buscar en todo el contenido" in html
    assert "elementos encontrados para “mayores”." in html


def test_visitors_are_sent_to_the_login(client):
    response = client.get(SEARCH, {"q": "quito"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
