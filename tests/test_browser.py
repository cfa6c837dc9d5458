"""End-to-end checks in headless Chromium against the live test server."""

import pytest

from tests.factories import loaded_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_errors(page):
    """Collect console errors and failed requests while the page is used."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and errors.append(f"{response.status} {response.url}")
        ),
    )
    return errors


def load_all_images(page):
    """Bring every image into view, as a reader scrolling would, and wait until it loaded."""
    images = page.locator("img")
    for index in range(images.count()):
        loaded_width(images.nth(index))


def assert_images_are_described_and_loaded(page):
    images = page.locator("img")
    assert images.count() > 0
    for index in range(images.count()):
        image = images.nth(index)
        assert image.get_attribute("alt"), f"image without alt: {image.get_attribute('src')}"
        assert loaded_width(image) > 0, image.get_attribute("src")


@pytest.mark.parametrize("width", [390, 1280])
def test_overview_renders_and_leads_to_quito(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = watch_errors(page)

    page.goto(site + "/en/")
    assert page.locator("h1").inner_text() == "Learning Cities"
    cards = page.locator(".city-card__name")
    assert cards.all_inner_texts() == ["Cuenca", "Quito", "Loja", "Azogues"]
    assert_images_are_described_and_loaded(page)
    assert page.locator("figcaption", has_text="Photo: Patrimonio Quito").is_visible()

    page.get_by_role("link", name="Quito", exact=True).click()
    page.wait_for_url("**/cities/quito/")
    assert page.locator("h1").inner_text() == "Quito"
    for program in ("Bájale al Acoso", "Jóvenes Quito", "Guagua Centros"):
        assert page.get_by_role("heading", name=program).is_visible()
    assert_images_are_described_and_loaded(page)

    page.get_by_role("link", name="Member cities").first.click()
    page.wait_for_url("**/en/cities/")
    assert page.locator("h1").inner_text() == "Member cities"
    assert errors == []
    context.close()


def test_page_does_not_scroll_sideways_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("/en/", "/en/cities/loja/"):
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
    context.close()


def test_skip_link_moves_focus_to_the_main_content(site, page):
    page.goto(site + "/en/cities/cuenca/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


# Adds up the layout shifts of the page, as Lighthouse's CLS does (shifts right after the
# visitor's own input do not count).
WATCH_LAYOUT_SHIFTS = """
window.layoutShift = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", ["/en/", "/en/cities/quito/"])
def test_images_shift_nothing_and_only_the_first_one_seen_loads_eagerly(site, browser, path, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    # A slow phone connection: the text is laid out long before the pictures arrive, so a
    # picture without a reserved size would push the text down when it lands.
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 150,
            "downloadThroughput": 200_000,
            "uploadThroughput": 50_000,
        },
    )
    page.add_init_script(WATCH_LAYOUT_SHIFTS)
    page.goto(site + path)

    images = page.locator("img")
    assert images.count() >= 1
    eager = page.locator("img:not([loading=lazy])")
    assert eager.count() == 1
    # The eager one comes first in the page and no other image sits above it.
    assert eager.first.evaluate("img => img === document.querySelector('img')")
    tops = [box["y"] for box in (images.nth(i).bounding_box() for i in range(images.count()))]
    assert tops[0] == min(tops)
    assert page.locator("img:not([width]), img:not([height])").count() == 0

    load_all_images(page)
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("window.layoutShift") == 0
    context.close()
