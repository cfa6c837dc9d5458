import re

import pytest
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string

from cities.models import City, Program, Status

from .factories import make_city, make_photo, make_program, make_user
from .public_helpers import count_queries

pytestmark = pytest.mark.django_db


def text_of(response):
    """The page's visible text, tags removed and white space folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_overview_lists_the_four_cities_in_joining_order_with_credits(client, seeded):
    response = client.get("/en/")
    assert response.status_code == 200
    text = text_of(response)

    positions = [text.index(f"Member since {year}") for year in (2017, 2018, 2022, 2024)]
    assert positions == sorted(positions)
    names = [city.name for city in response.context["cities"]]
    assert names == ["Cuenca", "Quito", "Loja", "Azogues"]
    for credit in (
        "Photo: JorobaVlogs",
        "Photo: Patrimonio Quito",
        "Photo: Daniel Morejón / Ministerio de Cultura y Patrimonio",
        "Photo: author unknown",
    ):
        assert credit in text


def test_overview_shows_the_definition_criteria_benefits_and_learn_more(client, seeded):
    text = text_of(client.get("/en/"))
    assert "UNESCO defines a learning city as a city that:" in text
    assert "Revitalizes learning in families and communities." in text
    assert "Fosters a culture of lifelong learning." in text
    assert "learning cities enhance individual empowerment, social inclusion" in text
    assert "UNESCO Global Network of Learning Cities" in text
    assert 'href="https://www.uil.unesco.org/en/learning-cities"' in client.get("/en/").text


def test_overview_puts_credits_in_captions_not_in_alt_text(client, seeded):
    html = client.get("/en/").content.decode()
    figures = re.findall(r"<figure.*?</figure>", html, flags=re.S)
    assert len(figures) == 4
    for figure in figures:
        alt = re.search(r'alt="([^"]*)"', figure).group(1)
        caption = re.search(r"<figcaption.*?</figcaption>", figure, flags=re.S).group(0)
        assert alt and "Photo:" in caption
        assert "JorobaVlogs" not in alt and "Patrimonio Quito" not in alt


def test_only_the_first_overview_image_loads_eagerly(client, seeded):
    images = re.findall(r"<img[^>]*>", client.get("/en/").content.decode())
    assert 'fetchpriority="high"' in images[0] and "loading" not in images[0]
    assert all('loading="lazy"' in image for image in images[1:])
    assert all('width="' in image and 'height="' in image for image in images)


def test_quito_page_shows_programs_criteria_and_photo_credit(client, seeded):
    response = client.get("/en/cities/quito/")
    assert response.status_code == 200
    text = text_of(response)
    for program in (
        "Bájale al Acoso",
        "Integrated Care System for Older Adults",
        "Jóvenes Quito",
        "Guagua Centros",
    ):
        assert program in text
    assert "Inclusive learning from basic to higher education" in text
    assert "Photo: Patrimonio Quito · All rights reserved" in text
    assert "Member of the UNESCO Global Network of Learning Cities since 2018" in text


def test_cuenca_page_shows_its_learning_city_award(client, seeded):
    text = text_of(client.get("/en/cities/cuenca/"))
    assert "UNESCO Learning City Award 2024" in text


def test_city_page_shows_program_lifecycle_and_gallery_credits(client):
    city = make_city(name="Quito", slug="quito")
    successor = make_program(city, name="Quito Wawas", slug="quito-wawas", order=2)
    make_program(
        city,
        name="Guagua Centros",
        slug="guagua-centros",
        lifecycle=Program.Lifecycle.REPLACED,
        replaced_by=successor,
        order=1,
    )
    make_program(city, name="Old program", lifecycle=Program.Lifecycle.ENDED, order=3)
    make_photo(city=city, title="Plaza Grande", author="Ana Pérez", licence="cc-by-4.0")

    response = client.get(city.get_absolute_url())
    text = text_of(response)
    assert "Guagua Centros Replaced by Quito Wawas" in text
    assert "Old program Ended" in text
    assert "Plaza Grande Photo: Ana Pérez · CC BY 4.0" in text
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license' in response.text


def test_unknown_city_is_a_styled_404(client, seeded):
    response = client.get("/en/cities/guayaquil/")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert 'class="site-header"' in response.text


@pytest.mark.parametrize("kind", ["city", "program", "photo"])
def test_unpublished_content_is_hidden_from_the_public(client, kind):
    city = make_city(name="Loja", slug="loja", cover=False)
    draft = {"status": Status.DRAFT}
    if kind == "city":
        city.status = Status.DRAFT
        city.save()
        assert client.get(city.get_absolute_url()).status_code == 404
        assert "Loja" not in text_of(client.get("/en/"))
    elif kind == "program":
        make_program(city, name="Secret plan", **draft)
        assert "Secret plan" not in text_of(client.get(city.get_absolute_url()))
    else:
        make_photo(city=city, title="Unreleased view", **draft)
        assert "Unreleased view" not in text_of(client.get(city.get_absolute_url()))


def test_staff_who_may_view_cities_see_drafts_marked_as_such(client):
    city = make_city(name="Loja", slug="loja", status=Status.DRAFT)
    make_program(city, name="Secret plan", status=Status.DRAFT)
    editor = make_user(is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_city", "view_program", "view_photo"])
    )
    client.force_login(editor)

    response = client.get(city.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    assert "Draft: this page is not visible to the public." in text
    assert "Secret plan" in text
    assert '<meta name="robots" content="noindex">' in response.text


def test_a_logged_in_user_without_permission_sees_no_drafts(client):
    city = make_city(slug="loja", status=Status.DRAFT)
    client.force_login(make_user(is_staff=True))
    assert client.get(city.get_absolute_url()).status_code == 404


def test_the_500_page_is_standalone():
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "{%" not in html and "extends" not in html


@pytest.mark.parametrize("url", ["/en/", "/en/cities/quito/", "/en/cities/nowhere/"])
def test_every_public_page_has_exactly_one_h1_and_a_skip_link(client, seeded, url):
    html = client.get(url).content.decode()
    assert len(re.findall(r"<h1\b", html)) == 1
    assert 'href="#main-content"' in html and '<main id="main-content"' in html


def make_network(size):
    """`size` published cities, each with a cover, a gallery photo and two programs."""
    for _ in range(size):
        city = make_city()
        make_photo(city=city)
        for _ in range(2):
            make_program(city)


def test_overview_query_count_does_not_grow_with_the_network(client):
    make_network(4)
    few = count_queries(client, "/en/")
    make_network(46)
    assert City.objects.count() == 50
    assert count_queries(client, "/en/") == few
    assert few <= 6


def test_city_page_query_count_does_not_grow_with_programs_and_photos(client):
    make_network(4)
    city = City.objects.first()
    few = count_queries(client, city.get_absolute_url())
    make_network(46)
    for _ in range(20):
        make_program(city)
        make_photo(city=city)
    assert count_queries(client, city.get_absolute_url()) == few
    assert few <= 7


def test_overview_paginates_a_large_network(client):
    make_network(30)
    first = client.get("/en/")
    assert len(first.context["cities"]) == 12
    assert 'rel="next" href="?page=2#cities"' in first.text
    last = client.get("/en/", {"page": 3})
    assert len(last.context["cities"]) == 6
    assert "Page 3 of 3" in text_of(last)
    # The introduction counts the whole network, not the cities on the page.
    for page in (first, last):
        assert "30 cities of Ecuador learn together" in text_of(page)
    # Each page is a page of its own for search engines; the first has no number.
    assert '<link rel="canonical" href="http://testserver/en/?page=3">' in last.text
    assert '<link rel="canonical" href="http://testserver/en/">' in first.text


@pytest.mark.parametrize("page", ["abc", "999", "-1", "1' OR '1'='1"])
def test_a_bad_page_number_is_a_clear_404(client, seeded, page):
    response = client.get("/en/", {"page": page})
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
