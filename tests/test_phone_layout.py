"""The public site on a phone (390 px wide) and a desktop, in headless Chromium."""

import pytest

from .factories import make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_criteria_matrix_reads_on_a_phone_without_scrolling_sideways(site, phone, language):
    phone.goto(f"{site}/{language}/criteria/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    region = phone.locator(".table-scroll")
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")
    # Each city is a card that names the criterion beside each cell.
    quito = phone.locator("tbody tr", has_text="Quito")
    assert quito.locator(".matrix__label").first.is_visible()
    assert quito.locator(".matrix__label").count() == 6


def test_the_matrix_is_a_table_with_column_headings_on_a_desktop(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/en/criteria/")
    assert page.locator(".matrix thead th").first.is_visible()
    assert not page.locator(".matrix__label").first.is_visible()
    context.close()


@pytest.mark.parametrize("path", ["", "cities/quito/", "criteria/", "photo-credits/"])
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_header_takes_at_most_120_px_on_a_phone(site, phone, language, path):
    phone.goto(f"{site}/{language}/{path}")
    assert phone.locator(".site-header").bounding_box()["height"] <= 120
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_filtering_the_directory_lands_on_the_results(site, phone):
    phone.goto(f"{site}/en/cities/")
    phone.select_option("#id_year", "2018")
    phone.get_by_role("button", name="Show cities").click()
    phone.wait_for_url("**/en/cities/?year=2018*#results-heading")
    heading = phone.locator("#results-heading")
    assert heading.inner_text() == "1 city"
    assert heading.evaluate("el => el.getBoundingClientRect().top") < 100  # in view, at the top


def test_a_filter_finding_nothing_lands_on_0_cities_with_a_way_back(site, phone):
    phone.goto(f"{site}/en/cities/")
    # Loja (2022) has no program in learning technologies in the seed.
    phone.select_option("#id_year", "2022")
    phone.select_option("#id_criterion", "learning-technologies")
    phone.get_by_role("button", name="Show cities").click()
    phone.wait_for_url("**#results-heading")
    assert phone.locator("#results-heading").inner_text() == "0 cities"
    phone.get_by_role("link", name="Show all cities").click()
    phone.wait_for_url("**/en/cities/")
    assert phone.locator("#results-heading").inner_text() == "4 cities"


@pytest.mark.parametrize("path", ["/en/", "/en/cities/"])
def test_a_card_without_a_photo_gives_its_text_the_whole_width(site, browser, path):
    make_city(cover=False, name="Ibarra", slug="ibarra", year_joined=2013)  # first in order
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site + path)
    card = page.locator(".city-card article, .directory-card", has_text="Ibarra").first
    body = card.locator(".city-card__body, .directory-card__body")
    card_width, body_width = card.bounding_box()["width"], body.bounding_box()["width"]
    assert body_width >= card_width - 2  # its borders
    with_photo = page.locator(".city-card article, .directory-card", has_text="Quito").first
    assert with_photo.locator(".photo").bounding_box()["width"] < card_width / 2
    context.close()


def test_a_gallery_photo_opens_large_without_scripts(site, browser):
    from cities.models import City, Photo

    quito = City.objects.get(slug="quito")
    photo = Photo.objects.get(pk=quito.cover_photo_id)
    # A second photo of Quito, in its gallery.
    photo.pk = None
    photo.title_en = photo.title_es = "Second view of Quito"
    photo.is_placeholder = False
    photo.save()
    photo.remake_renditions()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/en/cities/quito/")
    link = page.locator(f"#photo-{photo.pk} a.photo__open")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(photo.picture.largest_src)
    assert page.evaluate("document.images[0].naturalWidth") == photo.picture.jpegs[-1].width
    context.close()


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_long_file_reference_breaks_between_its_words_never_inside_one(site, phone, language):
    phone.goto(f"{site}/{language}/photo-credits/")
    # The reference in the credit, and in the title of the seed's placeholder photo.
    for selector in (".credit__ref", ".credits-list__item h2"):
        reference = phone.locator(selector, has_text="LOJA_Daniel_Morejon")
        # The lines each piece of the reference between two break points (after "_") takes:
        # one each (pieces with a space are words of the title, which break at the space),
        # and the reference as a whole takes more than one.
        lines = reference.evaluate(
            """el => [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE
                                                && !/\\s/.test(n.textContent)).map(n => {
              const range = document.createRange();
              range.selectNodeContents(n);
              return [...new Set([...range.getClientRects()].map(r => Math.round(r.top)))];
            })"""
        )
        assert all(len(tops) == 1 for tops in lines), (selector, lines)
        assert len({tops[0] for tops in lines}) > 1


@pytest.mark.parametrize("width", [390, 1280])
def test_a_program_card_starts_with_its_name(site, browser, width):
    # Under a policy theme the name is an h4, which browsers give a margin of its own.
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/en/cities/quito/")
    card = page.locator(".program", has=page.locator(".program__name", has_text="Cero Acoso"))
    name = card.locator(".program__name")
    assert name.evaluate("el => el.tagName") == "H4"
    gap = name.bounding_box()["y"] - card.bounding_box()["y"]
    assert gap < 30  # the card's top border and padding only
    context.close()
