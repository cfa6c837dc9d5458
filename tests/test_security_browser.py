import pytest
from django.urls import reverse

from tests.factories import log_in_in_browser, make_city, make_user

# Collected in the page itself, so that violations reported before a listener on the
# Playwright side would be attached are not missed.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_content_security_policy(live_server, page):
    make_user("editor", is_staff=True, is_superuser=True)
    city = make_city(name="Loja")
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)

    log_in_in_browser(page, live_server.url, "editor", reverse("admin:index"))
    violations = page.evaluate("window.cspViolations")

    page.goto(live_server.url + reverse("admin:cities_city_change", args=[city.pk]))
    # The inlines' "Add another" link is made by the admin's JavaScript: it only works
    # when the admin's scripts are allowed to run.
    photo_rows = page.locator("#photos-group .inline-related:not(.empty-form)")
    rows_before = photo_rows.count()
    page.locator("#photos-group .add-row a").click()
    assert photo_rows.count() == rows_before + 1
    page.locator("#photos-group .inline-deletelink").last.click()
    assert photo_rows.count() == rows_before
    # Prepopulated slug and the collapsible fieldsets are JavaScript too.
    # The photo row's closed section holds its alt text.
    for summary in page.locator("#photos-0 details:not([open]) > summary").all():
        summary.click()
    # Every language's box where the site translates the field.
    typed = {
        "name": "Loja",
        "tagline": "Ciudad del aprendizaje",
        "photos-0-title": "Portada de Loja",
        "photos-0-alt_text": "Una plaza con árboles",
    }
    for field, value in typed.items():
        for box in page.locator(f"input[id^=id_{field}], textarea[id^=id_{field}]").all():
            box.fill(value)
    # The narrative is written in its rich-text editor, in each language.
    for editor in page.locator(".prose-editor:has([id^=id_narrative]) .ProseMirror").all():
        editor.fill("Aprender juntos.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    violations += page.evaluate("window.cspViolations")

    assert violations == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_break_no_rule_of_the_content_security_policy(live_server, page):
    city = make_city(name="Quito")
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []
    for url in ("/", city.get_absolute_url(), "/no-such-page/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        violations += page.evaluate("window.cspViolations")
    assert violations == []


@pytest.mark.browser
def test_the_server_error_page_keeps_its_inline_style(live_server, page, settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/fail/")
    assert page.locator("h1").inner_text().startswith("Something went wrong")
    # The page's own <style> applies: the site's paper background, not the browser's white.
    background = page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(247, 244, 239)"
    assert page.evaluate("window.cspViolations") == []
