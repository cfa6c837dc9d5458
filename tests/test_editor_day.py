"""An editor's day in a real browser: draft, preview, schedule, publish, edit, compare, restore."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from cities.models import City, Status

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
    page.wait_for_selector("#editorial-dashboard-heading")
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


def test_an_editors_day(editor_page, visitor_page, live_server, tmp_path):
    page = editor_page
    photo_file = tmp_path / "ibarra.jpg"
    photo_file.write_bytes(jpeg_bytes(800, 500))

    # Draft a new city with a program and a photo.
    page.goto(f"{live_server.url}/admin/cities/city/add/")
    page.locator("#id_name_es").press_sequentially("Ibarra")
    assert page.input_value("#id_slug") == "ibarra"  # filled in from the name
    page.fill("#id_year_joined", "2020")
    page.fill("#id_narrative_es", FIRST_TEXT)
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

    # Schedule it a few seconds ahead, and watch it appear at its time.
    due = timezone.localtime() + timedelta(seconds=4)
    page.select_option("#id_status", Status.PUBLISHED)
    page.fill("#id_published_at_0", due.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", due.strftime("%H:%M:%S"))
    save_and_continue(page)
    city.refresh_from_db()
    assert city.publication_state == "scheduled"
    assert visitor_page.goto(f"{live_server.url}/").ok
    assert "Ibarra" not in visitor_page.inner_text("main")
    assert visitor_page.goto(f"{live_server.url}/cities/ibarra/").status == 404
    time.sleep(max(0, (due - timezone.localtime()).total_seconds()) + 0.2)
    visitor_page.goto(f"{live_server.url}/")
    assert "Ibarra" in visitor_page.inner_text("main")
    assert visitor_page.goto(f"{live_server.url}/cities/ibarra/").status == 200
    assert FIRST_TEXT in visitor_page.inner_text("main")
    assert "Reading circles" in visitor_page.inner_text("main")

    # Edit it.
    page.fill("#id_narrative_es", SECOND_TEXT)
    save_and_continue(page)
    visitor_page.reload()
    assert SECOND_TEXT in visitor_page.inner_text("main")

    # Compare the versions: the narrative changed, field by field.
    page.click("a.historylink")
    page.wait_for_selector("#change-history")
    versions = page.locator("#compare-old option")
    assert versions.count() >= 3
    page.select_option("#compare-old", index=versions.count() - 1)  # the first draft
    page.click(".compare-versions button[type=submit]")
    comparison = page.inner_text("#version-comparison")
    assert "Narrative" in comparison and FIRST_TEXT in comparison and SECOND_TEXT in comparison
    assert "Status" in comparison  # draft, then published

    # Restore the version before the edit, and see the old text on the public page.
    page.go_back()
    page.locator("#change-history tbody tr").nth(1).locator("a").first.click()
    assert page.input_value("#id_narrative_es") == FIRST_TEXT
    page.click("input[value='Restore this version']")
    page.wait_for_selector(".messagelist .success")
    visitor_page.reload()
    assert FIRST_TEXT in visitor_page.inner_text("main")
    assert SECOND_TEXT not in visitor_page.inner_text("main")
    latest = City.history.filter(id=city.pk).latest()
    assert latest.history_user.username == "editor"
    assert latest.narrative == FIRST_TEXT
