"""The rich-text editor in a real browser looks like the public page's text, and a link is
not extended over what is typed right after it."""

import pytest

from tests.factories import change_url, log_in_in_browser, make_city, make_publisher

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NARRATIVE = (
    '<h2>Aprender en <a href="https://www.quito.gob.ec/educa">Quito</a></h2>'
    '<p>Vea el <a href="https://www.quito.gob.ec">sitio</a></p><ul><li>Mercados</li></ul>'
)


@pytest.fixture
def narrative(live_server, browser):
    """Quito's form open at its Spanish narrative: a heading with a link, a link and a list."""
    make_publisher(username="pablo")
    quito = make_city(name="Quito", narrative_es=NARRATIVE, cover=False)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-EC")
    page = context.new_page()
    form = change_url(quito)
    log_in_in_browser(page, live_server.url, "pablo", form, next_path=form)
    writing = page.locator(".prose-editor:has(#id_narrative_es) .ProseMirror")
    writing.wait_for()
    yield writing
    context.close()


def style(locator, *properties):
    return locator.evaluate(
        "(element, names) => names.map(name => getComputedStyle(element)[name])",
        list(properties),
    )


def test_the_writing_area_looks_like_the_public_text(narrative):
    writing = narrative
    # The heading as on the public page, not the admin's blue section bar.
    size, background, colour = style(writing.locator("h2"), "fontSize", "backgroundColor", "color")
    assert (size, background, colour) == ("22.4px", "rgba(0, 0, 0, 0)", "rgb(29, 43, 54)")
    assert style(writing.locator("li"), "listStyleType") == ["disc"]
    assert style(writing.locator("p a"), "color", "textDecorationLine") == [
        "rgb(11, 79, 138)",
        "underline",
    ]
    assert style(writing.locator("p").first, "fontSize") == ["14px"]
    assert writing.bounding_box()["width"] <= 44 * 16


def test_a_full_stop_typed_after_a_link_is_not_part_of_it(narrative):
    writing, page = narrative, narrative.page
    # Clicked on the line right of the link, which ends the paragraph, and typed on.
    link = writing.locator("p a").bounding_box()
    page.mouse.click(link["x"] + link["width"] + 20, link["y"] + link["height"] / 2)
    page.keyboard.type(". Y más.")
    assert writing.locator("p").first.inner_html() == (
        'Vea el <a href="https://www.quito.gob.ec">sitio</a>. Y más.'
    )


def test_a_link_in_a_heading_can_be_seen(narrative):
    heading, link = narrative.locator("h2"), narrative.locator("h2 a")
    properties = ("color", "textDecorationLine")
    # Told from the heading's own words by its colour or its underline (the admin's rules for
    # links in its headings would paint it as the heading).
    assert style(link, *properties) != style(heading, *properties)
    assert style(link, "textDecorationLine") == ["underline"]
