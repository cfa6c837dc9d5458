"""The directory's filters, the criteria matrix and the offline map."""

import re

import pytest

from cities.geo import ecuador_map, outline, project
from cities.models import City, Criterion

from .factories import make_city, make_criterion, make_program
from .public_helpers import add_cities, count_queries, load_seed

pytestmark = pytest.mark.django_db


def names(response):
    return [city.slug for city in response.context["cities"]]


@pytest.mark.usefixtures("seeded")
class TestDirectory:
    def test_lists_every_published_city_in_joining_order(self, client):
        response = client.get("/en/cities/")
        assert names(response) == ["cuenca", "quito", "loja", "azogues"]
        assert "4 cities" in response.content.decode()

    def test_filters_by_year_province_and_criterion_and_they_combine(self, client):
        assert names(client.get("/en/cities/", {"year": 2022})) == ["loja"]
        assert names(client.get("/en/cities/", {"province": "Cañar"})) == ["azogues"]
        serving = client.get("/en/cities/", {"criterion": "learning-technologies"})
        assert names(serving) == ["cuenca", "azogues"]
        both = client.get("/en/cities/", {"criterion": "learning-technologies", "year": 2024})
        assert names(both) == ["azogues"]
        neither = client.get("/en/cities/", {"criterion": "learning-technologies", "year": 2018})
        assert names(neither) == []
        assert "No city matches these filters." in neither.content.decode()

    def test_filters_are_reflected_in_the_form_and_removable_by_link(self, client):
        html = client.get("/en/cities/?year=2018&province=Pichincha").content.decode()
        assert '<option value="2018" selected>2018</option>' in html
        assert '<option value="Pichincha" selected>Pichincha</option>' in html
        assert 'href="?province=Pichincha#results-heading">Year joined: 2018' in html
        assert 'href="?year=2018#results-heading">Province: Pichincha' in html

    def test_the_form_is_a_plain_get_form_that_lands_on_the_results(self, client):
        html = client.get("/es/cities/").content.decode()
        assert re.search(
            r'<form class="filters" method="get" action="/es/cities/#results-heading"', html
        )

    @pytest.mark.parametrize(
        "query",
        ["year=abc", "year=1999", "province=Atlantis", "criterion=<script>", "year=2018&year=x"],
    )
    def test_unknown_filter_values_are_explained_not_an_error(self, client, query):
        response = client.get(f"/en/cities/?{query}")
        assert response.status_code == 200
        assert "Some filters were not understood" in response.content.decode()

    def test_a_valid_filter_still_applies_beside_an_invalid_one(self, client):
        assert names(client.get("/en/cities/?year=2024&province=Atlantis")) == ["azogues"]

    def test_a_long_directory_is_paginated_and_its_pages_keep_the_filters(self, client):
        for _ in range(30):
            make_city(year_joined=2019, cover=False)
        first = client.get("/en/cities/", {"year": 2019})
        html = first.content.decode()
        assert len(first.context["cities"]) == 24
        assert "30 cities" in html  # the whole count, not the page's
        assert 'rel="next" href="?year=2019&amp;page=2#results-heading"' in html
        second = client.get("/en/cities/", {"year": 2019, "page": 2})
        assert "Page 2 of 2" in second.content.decode()
        assert set(names(first)).isdisjoint(names(second))
        assert len(names(first) + names(second)) == 30
        # Removing a filter shows more cities: its link starts again at the first page.
        assert 'href="?#results-heading">Year joined: 2019' in second.content.decode()

    def test_the_four_seed_cities_fit_on_one_page(self, client):
        response = client.get("/en/cities/")
        assert not response.context["is_paginated"]
        assert 'class="pagination"' not in response.content.decode()

    @pytest.mark.parametrize("page", ["2", "abc", "0"])
    def test_a_page_beyond_the_directory_is_a_clear_404(self, client, page):
        response = client.get("/en/cities/", {"page": page})
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_draft_cities_and_draft_programs_are_not_counted(self, client):
        make_city(name="Zamora", slug="zamora", year_joined=2022, status="draft")
        make_program(
            City.objects.get(slug="loja"),
            criteria=[Criterion.objects.get(slug="quality-and-excellence")],
            status="draft",
        )
        assert names(client.get("/en/cities/", {"year": 2022})) == ["loja"]
        assert names(client.get("/en/cities/", {"criterion": "quality-and-excellence"})) == []
        assert "Zamora" not in client.get("/en/cities/").content.decode()


def test_directory_matrix_and_map_have_a_fixed_number_of_queries(client):
    criterion = make_criterion(kind=Criterion.Kind.BUILDING_BLOCK)
    add_cities(2, criterion)
    few = {url: count_queries(client, url) for url in ("/en/cities/", "/en/criteria/", "/en/map/")}
    add_cities(8, criterion)
    many = {url: count_queries(client, url) for url in few}
    assert many == few
    assert max(few.values()) <= 7


@pytest.mark.usefixtures("seeded")
class TestMatrix:
    def test_is_a_real_table_with_caption_and_headers(self, client):
        html = client.get("/en/criteria/").content.decode()
        table = re.search(r"<table.*?</table>", html, re.S).group(0)
        assert "<caption" in table
        assert len(re.findall(r'<th scope="col">', table)) == 7  # "City" and six criteria
        assert len(re.findall(r'<th scope="row">', table)) == 4

    def test_each_cell_names_the_programs_serving_the_criterion(self, client):
        response = client.get("/en/criteria/")
        quito = next(row for row in response.context["rows"] if row["city"].slug == "quito")
        served = {
            cell["criterion"].slug: [program.slug for program in cell["programs"]]
            for cell in quito["cells"]
        }
        assert served["inclusive-learning"] == [
            "bajale-al-acoso",
            "integrated-care-system-for-older-adults",
            "jovenes-quito",
            "guagua-centros",
            "quito-wawas",
        ]
        assert served["workplace"] == ["cero-acoso"]
        assert served["quality-and-excellence"] == []
        html = response.content.decode()
        assert "Not served yet" in html and ">Jóvenes Quito</a>" in html
        assert '<a href="/en/cities/quito/#program-jovenes-quito">Jóvenes Quito</a>' in html
        assert '<a href="/en/cities/quito/">Quito</a>' in html

    def test_draft_programs_do_not_count(self, client):
        program = City.objects.get(slug="quito").programs.get(slug="jovenes-quito")
        program.status = "draft"
        program.save()
        assert ">Jóvenes Quito</a>" not in client.get("/en/criteria/").content.decode()


class TestMap:
    def test_quito_lands_on_the_mainland_and_galapagos_in_the_inset(self):
        data = outline()
        x, y = project("-0.18065", "-78.46784")
        assert data["galapagos_box"]["width"] < x < data["width"]
        assert 0 < y < data["height"]
        # Puerto Ayora, Santa Cruz island.
        x, y = project("-0.7466", "-90.3135")
        box = data["galapagos_box"]
        assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["height"]

    def test_the_outline_names_its_source_and_is_small(self):
        data = outline()
        assert "Natural Earth" in data["source"] and "world-atlas" in data["source"]
        assert data["mainland"].startswith("M") and data["galapagos"].startswith("M")
        assert len(data["mainland"]) + len(data["galapagos"]) < 20_000

    def test_cities_without_coordinates_or_outside_the_map_get_no_marker(self):
        inside = make_city(latitude="-2.0", longitude="-79.0")
        make_city(latitude=None, longitude=None)
        make_city(latitude="48.85", longitude="2.35")
        markers = ecuador_map(City.objects.all())["markers"]
        assert [marker["city"] for marker in markers] == [inside]

    def test_markers_are_named_links_and_the_same_data_is_a_list(self, client):
        load_seed()
        html = client.get("/es/map/").content.decode()
        svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
        assert 'role="group"' in svg and "<title" in svg
        quito = '<a href="/es/cities/quito/" class="map__marker" aria-label="Quito, miembro desde'
        assert quito + ' 2018">' in svg
        assert len(re.findall(r'class="map__marker"', svg)) == 4
        listing = re.search(r'<section class="map-list".*?</section>', html, re.S).group(0)
        assert listing.count("<li>") == 4 and 'href="/es/cities/azogues/"' in listing
        assert "(-2.73969, -78.84860)" in listing

    def test_close_cities_put_their_labels_on_opposite_sides(self):
        load_seed()
        markers = {m["city"].slug: m for m in ecuador_map(City.objects.all())["markers"]}
        assert markers["cuenca"]["label_left"] and not markers["azogues"]["label_left"]


def test_the_spanish_province_filter_offers_all_provinces_in_the_feminine(client):
    make_city(name="Loja", province="Loja")
    html = client.get("/es/cities/").text
    assert '<option value="" selected>Todas</option>' in html.split('name="province"')[1]
    assert '<option value="" selected>Todos</option>' in html.split('name="year"')[1]
