"""WCAG 2.2 AA in a real browser: axe-core on every public page, keyboard use, motion."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .factories import make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core's WCAG 2.0-2.2 A/AA rules and its best practices (headings, landmarks…).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# Every public page: the directory filtered to some cities and to none, every city of the
# seed (and one in English only), the search with results, with none, with a "did you mean"
# suggestion and with markup typed in, the page of a missing city.
PAGES = [
    "",
    "cities/",
    "cities/?year=2018",
    "cities/?year=1999&criterion=workplace",
    "cities/quito/",
    "cities/cuenca/",
    "cities/loja/",
    "cities/azogues/",
    "cities/ibarra/",
    "criteria/",
    "map/",
    "photo-credits/",
    "search/",
    "search/?q=jovenes+quito",
    "search/?q=adultos+mayores",
    "search/?q=zzzz",
    "search/?q=quitto",
    "search/?q=%3C%3E",
    "cities/nowhere/",
]
FEED_LINKS = "head link[rel=alternate][type='application/atom+xml']"


@pytest.fixture(autouse=True)
def english_only_city(site):
    """A city whose texts exist only in English: its page shows the "not in your language"
    note, which must be accessible too."""
    return make_city(
        slug="ibarra",
        name="Ibarra",
        year_joined=2025,
        tagline_es="",
        tagline_en="Learning by the lake.",
        narrative_es="",
        narrative_en="Ibarra has written its page in English only.",
        latitude="0.35171",
        longitude="-78.12233",
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_every_public_page_has_no_axe_violations_in_either_language(site, browser, width):
    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    for language in ("es", "en"):
        for path in PAGES:
            url = f"{site}/{language}/{path}"
            page.goto(url)
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                found[url] = results.generate_snapshot()
            # Each page names the feed of each language, with a title, in its head.
            feeds = page.locator(FEED_LINKS).evaluate_all(
                "links => links.map(l => [l.lang, l.getAttribute('href'), !!l.title])"
            )
            if feeds != [["es", "/es/feed/", True], ["en", "/en/feed/", True]]:
                found[url] = f"feed links: {feeds}"
            # Nothing may make the page scroll sideways (WCAG 1.4.10, reflow).
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                found[url] = f"scrolls sideways: {scroll_width}px wide"
    context.close()
    assert found == {}


def test_the_map_and_filters_work_with_the_keyboard_alone(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/es/map/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    # Tab until the first map marker has focus; it shows a visible focus ring.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('class')") == "map__marker":
            break
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label == "Cuenca, miembro desde 2017"
    stroke = page.evaluate(
        "getComputedStyle(document.activeElement.querySelector('circle')).stroke"
    )
    assert stroke == "rgb(242, 180, 65)"
    page.keyboard.press("Enter")
    page.wait_for_url("**/es/cities/cuenca/")

    page.goto(f"{site}/en/cities/")
    page.focus("#id_year")
    page.keyboard.press("ArrowDown")  # the first year after "All"
    page.keyboard.press("Enter")
    page.focus("button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/cities/?year=2017*")
    assert page.locator(".directory-card__name").all_inner_texts() == ["Cuenca"]
    context.close()


def test_search_works_from_the_keyboard_and_highlights(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/es/search/")
    page.focus("input[type=search]")
    page.keyboard.type("jovenes")
    page.keyboard.press("Enter")
    page.wait_for_url("**/es/search/?q=jovenes")
    assert page.locator("mark").first.inner_text() == "Jóvenes"
    context.close()


def test_reduced_motion_turns_off_smooth_scrolling(site, browser):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{site}/en/")
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    context.close()
    context = browser.new_context(reduced_motion="no-preference")
    page = context.new_page()
    page.goto(f"{site}/en/")
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "smooth"
    context.close()


def test_print_hides_navigation_and_filters(site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/en/cities/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.locator("h1").is_visible()
    context.close()
