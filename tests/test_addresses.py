"""Addresses never break: a city's former slugs redirect, a program's former anchors remain."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.test import Client
from django.urls import reverse

from cities.models import City, FormerCitySlug, Program, Status

from .factories import (
    change_url,
    make_city,
    make_program,
    make_publisher,
    posted,
    typed,
)
from .test_accessibility import AXE_OPTIONS
from .test_admin_editorial import city_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    """Anonymous, so the pages it reads are cached."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def rename(city, slug):
    city.slug = slug
    city.save()


def assert_moved(visitor, old, new):
    for language in ("es", "en"):
        response = visitor.get(f"/{language}/cities/{old}/")
        assert response.status_code == 301
        assert response["Location"] == f"/{language}/cities/{new}/"
        assert visitor.get(response["Location"]).status_code == 200


def test_renaming_in_the_admin_redirects_the_old_address_in_both_languages(editor_client, visitor):
    loja = make_city(name="Loja", slug="loja")
    # Read, and so cached, before the rename: the cache must not keep answering with it.
    assert visitor.get("/en/cities/loja/").status_code == 200
    assert visitor.get("/es/cities/loja/").status_code == 200

    response = editor_client.post(change_url(loja), city_form(loja, slug="loja-ciudad"))
    assert response.status_code == 302

    assert_moved(visitor, "loja", "loja-ciudad")
    redirect = visitor.get("/en/cities/loja/")
    # Browsers must ask again before following it, so a later rename back cannot loop.
    assert "no-cache" in redirect["Cache-Control"]
    # Parameters the page does not use are dropped, as on every cached page (docs/speed.md).
    assert visitor.get("/en/cities/loja/?utm_source=mail")["Location"] == (
        "/en/cities/loja-ciudad/"
    )


def test_a_chain_of_renames_redirects_in_one_hop(visitor):
    loja = make_city(slug="loja")
    rename(loja, "loja-2")
    rename(loja, "loja-3")
    assert_moved(visitor, "loja", "loja-3")
    assert_moved(visitor, "loja-2", "loja-3")


def test_renaming_back_serves_the_page_without_a_loop(visitor):
    loja = make_city(slug="loja")
    rename(loja, "loja-2")
    assert_moved(visitor, "loja", "loja-2")  # cached as a redirect, if anything were
    rename(loja, "loja")
    assert visitor.get("/en/cities/loja/").status_code == 200
    assert_moved(visitor, "loja-2", "loja")
    assert list(loja.former_slugs.values_list("slug", flat=True)) == ["loja-2"]


def test_a_slug_that_leads_to_another_city_is_refused_with_its_name(client, visitor):
    loja = make_city(name="Loja", slug="loja")
    azogues = make_city(name="Azogues", slug="azogues")
    # Two editors at once: one opens Azogues' form while the other renames Loja.
    first, second = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    first.force_login(make_publisher())
    second.force_login(make_publisher())
    assert first.get(change_url(azogues)).status_code == 200
    second.post(change_url(loja), city_form(loja, slug="loja-ciudad"))

    response = first.post(change_url(azogues), city_form(azogues, slug="loja"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["slug"]
    assert errors == [
        "“loja” is a former address of Loja: links shared to it lead to that city. "
        "Choose another slug."
    ]
    assert "is a former address of Loja" in response.text
    azogues.refresh_from_db()
    assert azogues.slug == "azogues"
    assert_moved(visitor, "loja", "loja-ciudad")

    # Adding a new city with that slug is refused the same way.
    new_city = City(name="Loja 2", slug="loja", year_joined=2024, narrative="Another Loja.")
    add = first.post(reverse("admin:cities_city_add"), city_form(new_city))
    assert "is a former address of Loja" in add.text
    assert not City.objects.filter(name="Loja 2").exists()


def test_any_model_form_and_any_script_are_refused_the_slug_of_another_city():
    loja = make_city(name="Loja", slug="loja")
    rename(loja, "loja-ciudad")
    azogues = make_city(name="Azogues", slug="azogues")

    form_class = modelform_factory(City, fields=["slug"])
    form = form_class({"slug": "loja"}, instance=azogues)
    assert not form.is_valid()
    assert "former address of Loja" in form.errors["slug"][0]

    azogues.slug = "loja"
    with pytest.raises(ValidationError, match="former address of Loja"):
        azogues.save()
    assert City.objects.get(pk=azogues.pk).slug == "azogues"
    assert FormerCitySlug.objects.get(slug="loja").city == loja


def test_restoring_an_old_version_from_the_history_redirects_the_slug_it_leaves(
    editor_client, visitor
):
    loja = make_city(slug="loja", cover=False)
    original = loja.history.earliest()
    editor_client.post(change_url(loja), city_form(loja, slug="loja-ciudad"))
    assert_moved(visitor, "loja", "loja-ciudad")

    revert_url = reverse("admin:cities_city_simple_history", args=[loja.pk, original.pk])
    loja.refresh_from_db()
    response = editor_client.post(revert_url, city_form(loja, slug=original.slug))
    assert response.status_code == 302
    assert City.objects.get(pk=loja.pk).slug == "loja"
    assert visitor.get("/en/cities/loja/").status_code == 200
    assert_moved(visitor, "loja-ciudad", "loja")


def test_a_script_renaming_a_city_keeps_the_old_address():
    loja = make_city(slug="loja")
    rename(loja, "loja-ciudad")
    assert FormerCitySlug.objects.get(slug="loja").city == loja
    # Saving other fields only leaves the former slugs alone.
    loja.name = "Loja, Ecuador"
    loja.save(update_fields=["name"])
    assert list(FormerCitySlug.objects.values_list("slug", flat=True)) == ["loja"]


def test_the_old_address_of_an_unpublished_city_is_a_404_that_reveals_nothing(
    client, editor_client, visitor
):
    loja = make_city(slug="loja")
    loja.status = Status.DRAFT
    loja.slug = "loja-secreta"
    loja.save()

    response = visitor.get("/en/cities/loja/")
    assert response.status_code == 404
    assert "loja-secreta" not in response.text
    # Its editors, who may see the draft, are led to it.
    assert editor_client.get("/en/cities/loja/")["Location"] == "/en/cities/loja-secreta/"

    # Publishing it (the admin's action) opens the old address again.
    editor_client.post(
        reverse("admin:cities_city_changelist"),
        {"action": "publish_now", "_selected_action": [loja.pk]},
    )
    assert_moved(visitor, "loja", "loja-secreta")


def test_an_unknown_slug_is_still_a_404(visitor):
    make_city(slug="loja")
    assert visitor.get("/en/cities/nowhere/").status_code == 404


def test_deleting_a_city_deletes_its_former_slugs(visitor):
    loja = make_city(slug="loja")
    rename(loja, "loja-ciudad")
    loja.delete()
    assert not FormerCitySlug.objects.exists()
    assert visitor.get("/en/cities/loja/").status_code == 404
    # The slug is free again.
    make_city(slug="loja")
    assert visitor.get("/en/cities/loja/").status_code == 200


def test_the_sitemap_lists_current_addresses_only(visitor):
    loja = make_city(slug="loja")
    rename(loja, "loja-ciudad")
    sitemap = visitor.get("/sitemap.xml").text
    assert "/en/cities/loja-ciudad/" in sitemap
    assert "/es/cities/loja-ciudad/" in sitemap
    assert "/cities/loja/" not in sitemap


def element_ids(html):
    return re.findall(r'\bid="([^"]+)"', html)


def test_a_program_keeps_its_former_slugs_as_anchors_inside_its_entry(visitor):
    city = make_city(slug="quito")
    program = make_program(city, name="Reading circles", slug="circulos")
    program.slug = "circulos-de-lectura"
    program.save()
    assert program.get_absolute_url() == "/en/cities/quito/#program-circulos-de-lectura"

    html = visitor.get("/en/cities/quito/").text
    entry = re.search(r'<li class="program" id="program-circulos-de-lectura">.*?</li>', html, re.S)
    assert entry is not None
    assert '<span id="program-circulos"></span>' in entry.group()


def test_renaming_a_program_in_the_admin_or_restoring_it_keeps_its_former_anchors(editor_client):
    city = make_city(slug="quito")
    program = make_program(city, name="Reading circles", slug="circulos")
    original = program.history.earliest()
    form = editor_client.get(change_url(program)).context["adminform"].form
    data = posted(form) | typed(form, slug="circulos-de-lectura")
    assert editor_client.post(change_url(program), data).status_code == 302
    program.refresh_from_db()
    assert program.former_slugs == ["circulos"]

    # Restoring the first version takes the slug back and keeps the one it leaves.
    revert_url = reverse("admin:cities_program_simple_history", args=[program.pk, original.pk])
    form = editor_client.get(revert_url).context["adminform"].form
    assert editor_client.post(revert_url, posted(form)).status_code == 302
    program.refresh_from_db()
    assert program.slug == "circulos"
    assert program.former_slugs == ["circulos-de-lectura"]


def test_a_former_program_anchor_goes_to_the_program_that_takes_the_slug(visitor):
    city = make_city(slug="quito")
    first = make_program(city, slug="circulos")
    first.slug = "circulos-2"
    first.save()
    second = make_program(city, slug="circulos")

    ids = element_ids(visitor.get("/en/cities/quito/").text)
    assert ids.count("program-circulos") == 1
    first.refresh_from_db()
    assert first.former_slugs == []

    # Renamed again, the new holder keeps the anchor; renaming back makes it current again.
    second.slug = "circulos-3"
    second.save()
    ids = element_ids(visitor.get("/en/cities/quito/").text)
    assert ids.count("program-circulos") == 1
    assert second.former_slugs == ["circulos"]
    second.slug = "circulos"
    second.save()
    assert Program.objects.get(pk=second.pk).former_slugs == ["circulos-3"]
    ids = element_ids(visitor.get("/en/cities/quito/").text)
    assert len(ids) == len(set(ids))


def test_a_program_moved_to_another_city_leaves_its_former_anchors_behind():
    quito, cuenca = make_city(slug="quito"), make_city(slug="cuenca")
    program = make_program(quito, slug="circulos")
    program.slug = "circulos-2"
    program.save()
    program.city = cuenca
    program.save()
    assert Program.objects.get(pk=program.pk).former_slugs == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_old_program_link_lands_on_the_program_and_the_page_passes_axe(live_server, page):
    city = make_city(slug="quito", name="Quito")
    for number in range(6):
        make_program(city, summary="A long summary. " * 18, order=number)
    program = make_program(city, name="Reading circles", slug="circulos", order=10)
    program.slug = "circulos-de-lectura"
    program.save()

    # Without motion the page jumps to the anchor at once instead of scrolling there smoothly.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/en/cities/quito/#program-circulos")
    entry = page.locator("#program-circulos-de-lectura")
    assert entry.locator("#program-circulos").count() == 1
    assert page.evaluate("window.scrollY") > 0
    box = entry.bounding_box()
    assert 0 <= box["y"] < 900 and box["y"] + box["height"] > 0
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_snapshot()
