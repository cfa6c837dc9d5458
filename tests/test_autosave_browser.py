"""Autosave in a browser: typing is kept as the draft after a pause, through a lost connection
(retried), and from a tab closed before it could be sent (kept in the browser, offered back);
it stops, and says why, once someone else saved the item."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cities.models import City, Draft, DraftState

from .factories import change_url, make_user, saved_by, superuser_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = {"timeout": 20_000}


def drafted_tagline(city):
    return Draft.objects.of(city).open().get().data["tagline_en"]


def test_typing_is_kept_through_a_lost_connection_and_a_closed_tab(browser, site):
    context, page = superuser_in_browser(browser, site, "pablo")
    quito = City.objects.get(slug="quito")
    published_tagline = quito.tagline_en
    page.goto(site + change_url(quito))
    status = page.locator("#autosave-status")

    page.fill("#id_tagline_en", "Learning in every market")
    expect(status).to_contain_text("Saved as a draft at", **WAIT)
    assert drafted_tagline(quito) == ["Learning in every market"]

    # The connection is lost: the form says so and tries again until it is back.
    context.set_offline(True)
    page.fill("#id_tagline_en", "Written while offline")
    expect(status).to_contain_text("Not saved — retrying", **WAIT)
    context.set_offline(False)
    expect(status).to_contain_text("Saved as a draft at", **WAIT)
    assert drafted_tagline(quito) == ["Written while offline"]

    # Offline again, and the tab is closed before anything could be sent.
    context.set_offline(True)
    page.fill("#id_tagline_en", "Typed before the tab was closed")
    expect(status).to_contain_text("Not saved — retrying", **WAIT)
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(site + change_url(quito))
    expect(page.locator("#autosave-status")).to_contain_text("was not saved")
    page.get_by_role("button", name="Save it as the draft").click()
    expect(page.locator("#id_tagline_en")).to_have_value("Typed before the tab was closed", **WAIT)
    assert drafted_tagline(quito) == ["Typed before the tab was closed"]
    # Never published by itself.
    quito.refresh_from_db()
    assert quito.tagline_en == published_tagline
    context.close()


def test_the_form_saved_while_an_autosave_is_on_its_way_waits_for_it(browser, site):
    context, page = superuser_in_browser(browser, site, "pablo")
    quito = City.objects.get(slug="quito")
    page.goto(site + change_url(quito))
    held = []
    page.route("**/draft/autosave/", lambda route: held.append(route))
    page.fill("#id_tagline_en", "Published with its autosave")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(200)
    assert len(held) == 1

    # Published while the autosave is on its way: the form waits for its answer, then is
    # sent with the draft it made, which it publishes (no draft is left behind open).
    page.locator("input[name=_save]").click()
    page.wait_for_timeout(500)
    assert page.url == site + change_url(quito)
    held[0].continue_()
    page.wait_for_url(site + reverse("admin:cities_city_changelist"), **WAIT)
    quito.refresh_from_db()
    assert quito.tagline_en == "Published with its autosave"
    assert Draft.objects.of(quito).get().state == DraftState.PUBLISHED
    expect(page.locator(".messagelist")).not_to_contain_text("after you opened it")
    context.close()


def test_a_save_published_by_someone_else_stops_autosave_for_good(browser, site):
    context, page = superuser_in_browser(browser, site, "pablo")
    quito = City.objects.get(slug="quito")
    page.goto(site + change_url(quito))
    sent = []
    page.on("request", lambda request: "/draft/autosave/" in request.url and sent.append(request))

    ana = make_user("ana", first_name="Ana", last_name="Torres")
    saved_by(ana, quito, tagline_en="Published by Ana")
    page.fill("#id_tagline_en", "Typed over Ana's version")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Autosave stopped. Ana Torres saved changes to it at", **WAIT)
    assert len(sent) == 1

    # Typing on sends nothing more, not even after autosave's pause of 3 s.
    page.fill("#id_tagline_en", "Still typing")
    page.wait_for_timeout(3500)
    assert len(sent) == 1
    expect(status).to_contain_text("Autosave stopped.")
    assert not Draft.objects.of(quito).exists()
    context.close()
