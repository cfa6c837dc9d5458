"""The conflict page in a browser: a field named there opens the current form at that field,
its collapsed section opened."""

import pytest
from playwright.sync_api import expect

from cities.models import City

from .factories import change_url, make_user, saved_by, superuser_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_field_changed_by_someone_else_opens_in_its_collapsed_section(browser, site):
    context, page = superuser_in_browser(browser, site, "bruno")
    quito = City.objects.get(slug="quito")
    page.goto(site + change_url(quito))
    # Someone else saves the province meanwhile; Bruno types a population and saves.
    saved_by(make_user("ana"), quito, province="Pichincha (Distrito Metropolitano)")
    page.get_by_text("Facts and links").click()
    page.fill("#id_population", "2800000")
    page.locator("input[name=_save]").click()
    expect(page.locator("#edit-conflict")).to_be_visible()

    with context.expect_page() as opened:
        page.get_by_role("link", name="Province").click()
    form = opened.value
    form.wait_for_load_state()
    expect(form.locator("#id_province")).to_be_visible()
    expect(form.locator("#id_province")).to_have_value("Pichincha (Distrito Metropolitano)")
    # Its section only: the others stay closed.
    expect(form.locator("#id_population")).to_be_hidden()
    context.close()
