"""An editor's day in a real browser: draft, write rich text, preview, schedule, publish, edit,
compare, restore."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from cities.models import City, Status
from cities.rich_text import html_to_text
from cities.scheduling import publish_scheduled

from .factories import jpeg_bytes, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-editor-passphrase-2026"
FIRST_TEXT = "Ibarra joins the network with reading circles in every parish."
SECOND_TEXT = "A hasty edit that the editor will regret."


@pytest.fixture
def editor_page(live_server, browser):
    user = make_user("editor", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.set_default_timeout(10_000)
    page.wait_for_selector(".editor-dashboard")
    yield page
    context.close()


@pytest.fixture
def visitor_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def save_and_continue(page):
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success, .errornote")
    errors = page.locator(".errorlist").evaluate_all(
        "lists => lists.map(l => (l.closest('.form-row, td, fieldset') || l).className)"
    )
    assert page.locator(".errornote").count() == 0, errors


def write_rich_text(page, field, heading, text, bold, items, link_text, link):
    """Writes into the rich-text editor of `field` (e.g. "narrative_es") with its toolbar, found
    by the buttons' names as a screen reader hears them: a heading, a paragraph with bold
    words, a bulleted list and a link (`link`: {"page": name} or {"address": url})."""
    label = page.locator(f"label[for=id_{field}]").inner_text().rstrip(":")
    toolbar = page.get_by_role("toolbar", name=f"Formatting: {label}")
    toolbar.get_by_role("button", name="Heading (level 2)").click()
    page.keyboard.type(heading)
    page.keyboard.press("Enter")
    page.keyboard.type(f"{text} ")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.type(bold)
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Bulleted list").click()
    for item in items:
        page.keyboard.type(item)
        page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    page.keyboard.type(link_text)
    for _character in link_text:
        page.keyboard.press("Shift+ArrowLeft")
    toolbar.get_by_role("button", name="Link").click()
    dialog = page.get_by_role("dialog", name="Link")
    if "page" in link:
        dialog.get_by_label("Page of this site").select_option(label=link["page"])
    else:
        dialog.get_by_label("Address").fill(link["address"])
    dialog.get_by_role("button", name="Save link").click()
    page.keyboard.press("End")


def test_an_editors_day(editor_page, visitor_page, live_server, tmp_path, time_machine):
    page = editor_page
    # The editor runs under the site's CSP: no violation on the forms it is on (add, change,
    # and an old version's). The history list has one of its own, django-simple-history's.
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and re.search(r"/(add|change|history/\d+)/$", urlsplit(page.url).path)
            and violations.append(f"{page.url}: {message.text}")
        ),
    )
    photo_file = tmp_path / "ibarra.jpg"
    photo_file.write_bytes(jpeg_bytes(800, 500))

    # Draft a new city with a program and a photo.
    page.goto(f"{live_server.url}/admin/cities/city/add/")
    page.locator("#id_name_es").press_sequentially("Ibarra")
    assert page.input_value("#id_slug") == "ibarra"  # filled in from the name
    page.fill("#id_year_joined", "2020")
    page.locator(".prose-editor:has(#id_narrative_es) .ProseMirror").click()
    write_rich_text(
        page,
        "narrative_es",
        heading="Círculos de lectura",
        text=FIRST_TEXT,
        bold="Cada sábado",
        items=["Bibliotecas", "Parques"],
        link_text="el sitio de la ciudad",
        link={"address": "https://www.ibarra.gob.ec/"},
    )
    page.click("#programs-group .add-row a")
    page.fill("#id_programs-0-name_es", "Reading circles")
    page.fill("#id_programs-0-slug", "reading-circles")
    page.select_option("#id_programs-0-status", Status.PUBLISHED)
    page.click("#photos-group .add-row a")
    page.set_input_files("#id_photos-0-image", str(photo_file))
    page.fill("#id_photos-0-title_es", "Parish library")
    page.fill("#id_photos-0-alt_text_es", "Children reading in a small parish library")
    page.fill("#id_photos-0-author", "Ana Pérez")
    page.select_option("#id_photos-0-status", Status.PUBLISHED)
    save_and_continue(page)
    city = City.objects.get(slug="ibarra")
    assert city.publication_state == "draft"
    assert visitor_page.goto(f"{live_server.url}/cities/ibarra/").status == 404

    # Preview it, as the public will see it.
    with page.context.expect_page() as preview_opened:
        page.click("text=Preview")
    preview = preview_opened.value
    preview.wait_for_load_state()
    assert "Preview: this is how the public will see this page" in preview.inner_text("main")
    assert preview.locator("meta[name=robots][content=noindex]").count() == 1
    assert "Reading circles" in preview.inner_text(".programs")
    assert preview.locator("img[alt='Children reading in a small parish library']").count() == 1
    preview.close()

    # Write the English narrative, linking the city's own page chosen by its name.
    page.locator(".prose-editor:has(#id_narrative_en) .ProseMirror").click()
    write_rich_text(
        page,
        "narrative_en",
        heading="Reading circles",
        text="In every parish.",
        bold="Every Saturday",
        items=["Libraries", "Parks"],
        link_text="Ibarra",
        link={"page": "Ibarra (draft)"},
    )

    # Schedule it an hour ahead, and watch it appear at its time (the clock moved on to it).
    due = (timezone.localtime() + timedelta(hours=1)).replace(microsecond=0)
    page.select_option("#id_status", Status.PUBLISHED)
    page.fill("#id_published_at_0", due.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", due.strftime("%H:%M:%S"))
    save_and_continue(page)
    city.refresh_from_db()
    assert city.publication_state == "scheduled"
    assert visitor_page.goto(f"{live_server.url}/").ok
    assert "Ibarra" not in visitor_page.inner_text("main")
    assert visitor_page.goto(f"{live_server.url}/cities/ibarra/").status == 404
    time_machine.move_to(due + timedelta(seconds=1), tick=True)
    publish_scheduled()  # what the worker's task does at that moment
    visitor_page.goto(f"{live_server.url}/")
    assert "Ibarra" in visitor_page.inner_text("main")
    assert visitor_page.goto(f"{live_server.url}/es/cities/ibarra/").status == 200
    assert FIRST_TEXT in visitor_page.inner_text("main")
    assert "Reading circles" in visitor_page.inner_text("main")
    # Both languages show the heading, the bold words, the list and the link, nothing unsafe.
    for language, heading, bold, item, href in [
        ("es", "Círculos de lectura", "Cada sábado", "Parques", "https://www.ibarra.gob.ec/"),
        ("en", "Reading circles", "Every Saturday", "Parks", "/en/cities/ibarra/"),
    ]:
        visitor_page.goto(f"{live_server.url}/{language}/cities/ibarra/")
        story = visitor_page.locator(".prose").first
        assert story.locator("h2").inner_text() == heading
        assert story.locator("strong").inner_text() == bold
        assert story.locator("ul li").nth(1).inner_text() == item
        assert story.locator(f"a[href='{href}']").count() == 1
        assert story.locator("script, [style], [onclick], [onerror]").count() == 0

    # Edit it.
    editor = page.locator(".prose-editor:has(#id_narrative_es) .ProseMirror")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(SECOND_TEXT)
    save_and_continue(page)
    visitor_page.goto(f"{live_server.url}/es/cities/ibarra/")
    assert SECOND_TEXT in visitor_page.inner_text("main")

    # Compare the versions: the narrative changed, field by field.
    page.click("a.historylink")
    page.wait_for_selector("#change-history")
    versions = page.locator("#compare-old option")
    assert versions.count() >= 3
    page.select_option("#compare-old", index=versions.count() - 1)  # the first draft
    page.click(".compare-versions button[type=submit]")
    # The narrative is shown rendered, words marked; both texts whole in its source.
    page.locator("#version-comparison details").evaluate_all(
        "all => all.forEach(d => d.open = true)"
    )
    comparison = page.inner_text("#version-comparison")
    assert "Narrative" in comparison and FIRST_TEXT in comparison and SECOND_TEXT in comparison
    assert "Status" in comparison  # draft, then published

    # Restore the version before the edit, and see the old text on the public page.
    page.go_back()
    page.locator("#change-history tbody tr").nth(1).locator("a").first.click()
    assert FIRST_TEXT in page.input_value("#id_narrative_es")
    page.click("input[value='Restore this version']")
    page.wait_for_selector(".messagelist .success")
    visitor_page.reload()
    assert FIRST_TEXT in visitor_page.inner_text("main")
    assert SECOND_TEXT not in visitor_page.inner_text("main")
    assert violations == []
    latest = City.history.filter(id=city.pk).latest()
    assert latest.history_user.username == "editor"
    assert FIRST_TEXT in html_to_text(latest.narrative_es)
