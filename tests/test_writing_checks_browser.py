"""Checks while writing in a real browser: what the editor types is measured in its language
under the field, and the form's buttons list every finding, each leading to its field."""

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from cities.models import City
from tests.factories import change_url, log_in_in_browser, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LONG_SENTENCE = " ".join(["La ciudad aprende con sus barrios y sus escuelas"] * 4) + "."


def checked_with(text):
    """Matches the answer of the checks asked for a text holding `text` (the checks of the
    texts as opened may still be answering)."""
    return lambda response: (
        response.url.endswith("/writing-checks/") and text in (response.request.post_data or "")
    )


@pytest.fixture
def editor_page(live_server, browser):
    call_command("load_seed", verbosity=0)
    make_staff("Editors", username="lucia")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="es-EC",
        extra_http_headers={"Accept-Language": "es"},
        timezone_id=settings.TIME_ZONE,
    )
    page = context.new_page()
    refused = []  # what the Content-Security-Policy refuses is said on the console
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page, refused
    context.close()


def test_a_long_sentence_typed_in_the_narrative_is_pointed_out_in_spanish(
    editor_page, live_server, tmp_path
):
    page, refused = editor_page
    path = change_url(City.objects.get(slug="quito"))
    log_in_in_browser(page, live_server.url, "lucia", path, next_path=path)
    narrative = page.locator("#id_narrative_es").locator("xpath=..").locator(".ProseMirror")
    # Pressed on the editor, which focuses it first: a key pressed on the page while a busy
    # browser had not yet moved the focus there left the caret where the click put it, in
    # the middle of a sentence, and the sentence typed joined it (CI: never "36 palabras").
    narrative.press("Control+End")
    # Inserted at once, not typed key by key: under load a browser typing 36 words has lost
    # keys, and the count in the answer then never matched (CI simulation, twice).
    with page.expect_response(checked_with(LONG_SENTENCE), timeout=90_000):
        page.keyboard.insert_text(" " + LONG_SENTENCE)
    checks = page.locator("#id_narrative_es-writing-checks")
    checks.get_by_text("Una frase de 36 palabras").wait_for()
    assert "palabras · " in checks.locator("p").inner_text()
    assert "INFLESZ (Szigriszt-Pazos)" in checks.locator("p").inner_text()

    summary = page.locator(".submit-row .writing-checks-summary").last
    assert summary.is_visible() and "que revisar" in summary.locator("summary").inner_text()
    summary.locator("summary").click()
    page.screenshot(path=tmp_path / "writing-checks.png", full_page=False)
    link = summary.get_by_role("link", name="Una frase de 36 palabras")
    label = page.locator("label[for=id_narrative_es]").inner_text().rstrip(":")
    assert link.first.inner_text().startswith(f"{label}: Una frase de 36 palabras")
    # The link leads to the field, its notes shown under it.
    link.first.click()
    assert narrative.evaluate("element => element === document.activeElement")
    expect(checks).to_be_in_viewport()
    page.screenshot(path=tmp_path / "writing-checks-field.png")
    assert refused == []


def test_an_alt_text_that_is_a_file_name_is_pointed_out_under_it(editor_page, live_server):
    page, refused = editor_page
    path = "/admin/cities/photo/add/"
    log_in_in_browser(page, live_server.url, "lucia", path, next_path=path)
    page.fill("#id_alt_text_es", "IMG_4032.jpg")
    page.locator("#id_alt_text_es-writing-checks").get_by_text(
        "El texto alternativo es un nombre de archivo"
    ).wait_for()
    page.fill("#id_alt_text_es", "La plaza principal de Cuenca al atardecer, con la catedral")
    page.locator("#id_alt_text_es-writing-checks li").wait_for(state="detached")
    assert page.locator(".writing-checks-summary").first.is_hidden()
    assert refused == []


def test_an_older_texts_answer_coming_after_a_newer_ones_is_not_shown(editor_page, live_server):
    page, _refused = editor_page
    path = change_url(City.objects.get(slug="quito"))
    log_in_in_browser(page, live_server.url, "lucia", path, next_path=path)
    page.wait_for_load_state("networkidle")  # the checks of the texts as opened, answered
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/writing-checks/", hold_the_first)
    narrative = page.locator("#id_narrative_es").locator("xpath=..").locator(".ProseMirror")
    narrative.press("Control+End")  # on the editor, focused first (see above)
    # Inserted at once, not typed key by key: under load a browser typing 36 words has lost
    # keys, and the count in the answer then never matched.
    page.keyboard.insert_text(" Breve.")
    for _ in range(300):  # its check asked for, and held (within 30 s on a loaded machine)
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    # A loaded machine (CI's two workers and a browser each) once took over 30 s here.
    with page.expect_response(checked_with(LONG_SENTENCE), timeout=90_000):
        page.keyboard.insert_text(" " + LONG_SENTENCE)
    checks = page.locator("#id_narrative_es-writing-checks")
    checks.get_by_text("Una frase de 36 palabras").wait_for(timeout=30_000)

    held[0].continue_()  # the older text's answer arrives last
    page.wait_for_timeout(1000)
    assert "Una frase de 36 palabras" in checks.inner_text()
