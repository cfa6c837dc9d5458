"""Two editors in two browsers on the same city form: each sees the other come and go."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cities.editing_notices import EditingNoticesAdmin
from cities.models import EditingSession

from .factories import log_in_in_browser, make_city, make_user
from .test_security_browser import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_editor(username, **kwargs):
    # Superusers: a transactional test empties the tables, groups made by migrations included.
    return make_user(username, is_staff=True, is_superuser=True, **kwargs)


def editor_in_a_browser(browser, site, username, watch):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    # Script errors, refused polls and what the policy blocked (not the admin's favicon.ico,
    # which Django's admin does not have).
    page.on("pageerror", lambda error: watch.append(str(error)))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and watch.append(message.text),
    )
    page.on(
        "response",
        lambda response: (
            "/editing/" in response.url
            and response.status >= 400
            and watch.append(f"{response.status} {response.url}")
        ),
    )
    log_in_in_browser(page, site, username, reverse("admin:index"))
    return page


def close_forms(*pages):
    """Close each editor's browser: its form says goodbye as it closes. Waits until the server
    has heard them all, so that no request still writes while the test's database is emptied."""
    for page in pages:
        page.context.close()
    deadline = time.monotonic() + 10
    while EditingSession.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_two_editors_see_each_other_arrive_and_leave_without_reloading(
    live_server, browser, monkeypatch
):
    # The live server runs in this process: its forms poll every second, not every 15.
    monkeypatch.setattr(EditingNoticesAdmin, "editing_poll_seconds", 1)
    make_editor("maria", first_name="María", last_name="López")
    make_editor("juan", first_name="Juan", last_name="Pérez")
    city = make_city(name="Cuenca")
    form_url = live_server.url + reverse("admin:cities_city_change", args=[city.pk])
    errors = []
    maria = editor_in_a_browser(browser, live_server.url, "maria", errors)
    juan = editor_in_a_browser(browser, live_server.url, "juan", errors)

    maria.goto(form_url)
    maria_notice = maria.get_by_role("status")
    expect(maria_notice).to_be_empty()

    juan.goto(form_url)
    expect(juan.get_by_role("status")).to_contain_text(
        "María López (maria) has been editing this city since"
    )
    # María's page learns of Juan by itself, within a polling round or two.
    expect(maria_notice).to_contain_text(
        "Juan Pérez (juan) has been editing this city since", timeout=5000
    )
    violations = maria.evaluate("window.cspViolations") + juan.evaluate("window.cspViolations")

    juan.context.close()  # the page says goodbye as it closes
    expect(maria_notice).to_be_empty(timeout=5000)

    violations += maria.evaluate("window.cspViolations")
    close_forms(maria)
    assert violations == []
    assert errors == []


def test_a_form_left_alone_stops_polling_so_that_the_login_can_end(
    live_server, browser, monkeypatch
):
    # Every poll renews the login; with no key pressed for the idle time (here 2 seconds),
    # the form stops polling until someone is back at it.
    monkeypatch.setattr(EditingNoticesAdmin, "editing_poll_seconds", 1)
    monkeypatch.setattr(EditingNoticesAdmin, "editing_idle_seconds", 2)
    make_editor("maria")
    city = make_city(name="Loja")
    errors = []
    maria = editor_in_a_browser(browser, live_server.url, "maria", errors)
    polls = []
    maria.on("request", lambda request: "/editing/" in request.url and polls.append(request))

    maria.goto(live_server.url + reverse("admin:cities_city_change", args=[city.pk]))
    maria.wait_for_timeout(4500)
    assert 1 <= len(polls) <= 3
    polled_while_there = len(polls)
    maria.wait_for_timeout(2500)
    assert len(polls) == polled_while_there

    with maria.expect_request("**/editing/"):
        maria.keyboard.press("Shift")
    close_forms(maria)
    assert errors == []


def test_two_editors_on_one_city_both_changes_reach_the_public_page(
    live_server, browser, monkeypatch
):
    monkeypatch.setattr(EditingNoticesAdmin, "editing_poll_seconds", 1)
    make_editor("maria", first_name="María", last_name="López")
    make_editor("juan", first_name="Juan", last_name="Pérez")
    city = make_city(name="Cuenca", tagline="City of rivers", narrative="Cuenca learns.")
    form_url = live_server.url + reverse("admin:cities_city_change", args=[city.pk])
    errors = []
    maria = editor_in_a_browser(browser, live_server.url, "maria", errors)
    juan = editor_in_a_browser(browser, live_server.url, "juan", errors)
    maria.goto(form_url)
    juan.goto(form_url)
    expect(maria.get_by_role("status")).to_contain_text("Juan Pérez (juan)", timeout=5000)
    expect(juan.get_by_role("status")).to_contain_text("María López (maria)")

    # María saves a new tagline first; Juan, still on the form he opened, a new narrative.
    maria.fill("#id_tagline_en", "Four rivers, one city")
    maria.click("input[name=_save]")
    maria.wait_for_url(f"{live_server.url}{reverse('admin:cities_city_changelist')}")
    juan.locator(".prose-editor:has(#id_narrative_en) .ProseMirror").fill(
        "Cuenca learns in every parish."
    )
    juan.click("input[name=_save]")

    conflict = juan.locator("#edit-conflict")
    expect(conflict).to_contain_text("Changed by María López on")
    expect(conflict).to_contain_text("Four rivers, one city")
    expect(conflict).to_contain_text("Cuenca learns in every parish.")
    # Only what María changed: not the publication date her form saved again without its
    # fractions of a second.
    expect(conflict).not_to_contain_text("Publication date")
    juan.click("button[name=_apply_on_top]")
    juan.wait_for_url(f"{live_server.url}{reverse('admin:cities_city_changelist')}")

    visitor = browser.new_page()
    visitor.goto(live_server.url + city.get_absolute_url())
    expect(visitor.locator("main")).to_contain_text("Four rivers, one city")
    expect(visitor.locator("main")).to_contain_text("Cuenca learns in every parish.")
    violations = juan.evaluate("window.cspViolations")
    visitor.close()
    close_forms(maria, juan)
    assert violations == []
    assert errors == []
