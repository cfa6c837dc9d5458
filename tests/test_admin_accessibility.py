"""WCAG 2.2 AA in the editors' admin: axe-core on the pages editors work on, in both languages,
on a desktop and on a phone, and no admin page scrolling sideways on a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cities.models import City, Draft, Photo, Program, ReviewRequest
from cities.notifications import draft_comments_path
from learningcities.two_factor import new_enrolment_code
from tests.factories import (
    change_url,
    log_in_in_browser,
    logged_in_client,
    make_publisher,
    make_staff,
    make_user,
    review_url,
    saved_by,
)
from tests.test_accessibility import AXE_OPTIONS
from tests.test_edit_conflicts import opened_form
from tests.test_history_wording import compare_url, history_url
from tests.test_two_factor import code_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LOCALES = {"es": "es-EC", "en": "en-US"}
SCROLL_WIDTH = "document.documentElement.scrollWidth"
# The words of each button broken over more lines than they have words: a button squeezed so
# narrow that its words break letter by letter (which no sideways scroll would show).
SQUEEZED_BUTTONS = """() => [...document.querySelectorAll("#main :is(button, .button)")]
    .filter((button) => button.offsetParent !== null && button.innerText.trim())
    .filter((button) => {
        const words = document.createRange();
        words.selectNodeContents(button);
        const lines = new Set([...words.getClientRects()].map((line) => Math.round(line.top)));
        return lines.size > button.innerText.trim().split(/\\s+/).length;
    })
    .map((button) => button.innerText.trim())"""


@pytest.fixture
def site_under_review(site):
    """The site (its address, with the seed) with Quito's narrative drafted by an editor and
    submitted for review, and Quito's tagline published twice, so that the history has
    versions to compare."""
    publisher = logged_in_client(make_publisher(username="pablo"))
    quito = City.objects.get(slug="quito")
    for tagline in ("Quito aprende en cada parroquia.", "Quito aprende en sus barrios."):
        publisher.post(change_url(quito), form_as_shown(publisher, quito) | {"tagline_es": tagline})
    editor = logged_in_client(make_staff("Editors", username="eva"))
    submitted = form_as_shown(editor, quito) | {
        "narrative_es": "<h2>Quito aprende</h2><p>En cada parroquia.</p>",
        "_submit_for_review": "1",
    }
    submitted.pop("_save")
    editor.post(change_url(quito), submitted)
    # A reviewer's comment on a passage of it, shown beside the field on Quito's form.
    publisher.post(
        draft_comments_path(Draft.objects.get()),
        {"field": "narrative_es", "quote": "cada parroquia", "text": "¿Cuáles?"},
    )
    return site


def form_as_shown(client, obj):
    """The change form of `obj` as shown, but its photos' files, which a browser sends only
    when a new one is chosen (the test client would send the stored ones again)."""
    return {
        name: value
        for name, value in opened_form(client, obj).items()
        if not hasattr(value, "read")
    }


def editors_pages():
    """The addresses of the pages every editor works on, the conflict and 2FA pages aside."""
    quito = City.objects.get(slug="quito")
    versions = list(quito.history.order_by("history_date"))
    return {
        "dashboard": reverse("admin:index"),
        "Quito's form": change_url(quito),
        "photo form": change_url(Photo.objects.filter(city=quito).first()),
        "review": review_url(ReviewRequest.objects.get()),
        "history": history_url(quito),
        "compare": compare_url(quito, versions[0], versions[-1]),
        "activity log": reverse("admin:activity_log"),
        "search of all content": reverse("admin:search_everything") + "?q=adultos+mayores",
        "comments on a draft": draft_comments_path(Draft.objects.get()),
    }


# The rich-text editors name themselves after their labels once made, which a busy machine
# may do after the page's load event.
EDITORS_READY = """() => [...document.querySelectorAll(".ProseMirror")]
    .every((editor) => editor.hasAttribute("aria-labelledby"))"""
# Then their toolbars' icon font loads: until it has, each icon shows as its name
# ("format_bold") and the toolbar is wider than a phone. Laying the page out starts the
# loads it needs; `fonts.ready` waits for them.
FONTS_LOADED = "async () => { document.body.getBoundingClientRect(); await document.fonts.ready; }"


def wait_until_settled(page):
    """The page as an editor sees it: rich-text editors made, with their icons."""
    page.wait_for_function(EDITORS_READY)
    page.evaluate(FONTS_LOADED)


def audit(page, axe, name, width, found):
    """axe-core's violations and any sideways scrolling of the page shown, under `name`."""
    wait_until_settled(page)
    results = axe.run(page, options=AXE_OPTIONS)
    if results.violations_count:
        found[name] = [
            (violation["id"], [node["target"] for node in violation["nodes"]])
            for violation in results.response["violations"]
        ]
    scroll_width = page.evaluate(SCROLL_WIDTH)
    if scroll_width > width:
        found[f"{name} (width)"] = f"scrolls sideways: {scroll_width}px wide"


def conflict_page(page, site):
    """Cuenca's form opened, Cuenca saved by someone else meanwhile, then saved: refused."""
    cuenca = City.objects.get(slug="cuenca")
    page.goto(site + change_url(cuenca))
    page.fill("#id_tagline_es", "Cuenca aprende junto a sus ríos.")
    cuenca.save()
    page.click("input[name=_save]")
    page.wait_for_selector(".edit-conflict")


def two_factor_pages(browser, site, language, width, axe, found):
    """The enrolment code asked for, the set-up page with its key, the recovery codes shown
    once, and the second step of the next login."""
    settings.REQUIRE_2FA = True
    enrolment_code = new_enrolment_code(make_user("maria", is_staff=True))
    for step in ("enrolment code", "enrolment", "recovery codes", "second step", "renewal"):
        context = new_context(browser, language, width)
        page = context.new_page()
        page.goto(site + reverse("admin:login"))
        page.fill("#id_username", "maria")
        page.fill("#id_password", "pw")
        page.click("input[type=submit]")
        page.wait_for_selector("#id_code")
        if step in ("enrolment", "recovery codes"):
            page.fill("#id_code", enrolment_code)
            page.click("form:has(#id_code) [type=submit]")
            page.wait_for_selector("#two-factor-secret")
        if step == "recovery codes":
            page.fill("#id_code", code_of(TOTPDevice.objects.get(user__username="maria")))
            page.click("form:has(#id_code) [type=submit]")
            page.wait_for_selector("#recovery-codes")
        if step == "renewal":  # logged in, the page that renews the recovery codes
            # The steps come within one code's 30 seconds: the code used already is let in.
            TOTPDevice.objects.filter(user__username="maria").update(last_t=-1)
            page.fill("#id_code", code_of(TOTPDevice.objects.get(user__username="maria")))
            page.click("form:has(#id_code) [type=submit]")
            page.wait_for_url(site + reverse("admin:index"))
            page.goto(site + reverse("admin:two_factor_recovery_codes"))
        audit(page, axe, f"2FA {step}", width, found)
        context.close()


def new_context(browser, language, width):
    return browser.new_context(
        viewport={"width": width, "height": 900},
        locale=LOCALES[language],
        timezone_id=settings.TIME_ZONE,
    )


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_editors_pages_have_no_axe_violations_and_fit_a_phone(
    site_under_review, browser, language, width
):
    axe = Axe()
    found = {}
    context = new_context(browser, language, width)
    page = context.new_page()
    log_in_in_browser(page, site_under_review, "pablo", "/admin/")
    for name, path in editors_pages().items():
        page.goto(site_under_review + path)
        audit(page, axe, name, width, found)
    conflict_page(page, site_under_review)
    audit(page, axe, "conflict", width, found)
    context.close()
    two_factor_pages(browser, site_under_review, language, width, axe, found)
    assert found == {}


@pytest.mark.parametrize("language", ["es", "en"])
def test_no_admin_list_or_form_scrolls_sideways_or_squeezes_a_button_on_a_phone(
    site_under_review, browser, language
):
    chief = make_user("chief", is_staff=True, is_superuser=True)
    context = new_context(browser, language, 390)
    page = context.new_page()
    wide = {}
    page.goto(site_under_review + reverse("admin:login"))
    if page.evaluate(SCROLL_WIDTH) > 390:
        wide["login"] = page.evaluate(SCROLL_WIDTH)
    log_in_in_browser(page, site_under_review, "chief", "/admin/")
    # Every list, add form and one change form of the models the admin shows, with their
    # lists of deleted items; the pages of the admin's own.
    paths = [
        reverse("admin:index"),
        reverse("admin:cities_missing_translations"),
        reverse("admin:password_change"),
        reverse("admin:two_factor_recovery_codes"),
        reverse("admin:cities_city_delete", args=[City.objects.get(slug="quito").pk]),
        change_url(City.objects.get(slug="quito")),  # with its draft's notice and comments
    ]
    request = RequestFactory().get("/admin/")
    request.user = chief
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{info}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{info}_add"))
        if first := model._default_manager.first():
            paths.append(change_url(first))
        if hasattr(model_admin, "deleted_view"):
            paths.append(reverse(f"{info}_deleted"))
    # A photo's and a program's history, and a comparison of two of their versions.
    for model, change in ((Photo, {"alt_text_es": "Una plaza"}), (Program, {"name_es": "Otro"})):
        item = saved_by(chief, model.objects.first(), **change)
        versions = item.history.order_by("history_date")
        paths += [history_url(item), compare_url(item, versions.first(), versions.last())]
    for path in paths:
        assert page.goto(site_under_review + path).status == 200, path
        wait_until_settled(page)
        scroll_width = page.evaluate(SCROLL_WIDTH)
        if scroll_width > 390:
            wide[path] = scroll_width
        if squeezed := page.evaluate(SQUEEZED_BUTTONS):
            wide[path] = squeezed
    context.close()
    assert paths
    assert wide == {}


def test_the_formatting_toolbar_is_one_tab_stop_big_enough_and_stays_in_view(
    site_under_review, browser
):
    context = new_context(browser, "es", 390)
    page = context.new_page()
    quito = change_url(City.objects.get(slug="quito"))
    log_in_in_browser(page, site_under_review, "pablo", quito, next_path=quito)
    editor = page.locator(".prose-editor:has(#id_narrative_es)")
    toolbar, writing = editor.locator(".prose-menubar"), editor.locator(".ProseMirror")
    writing.wait_for()
    buttons = toolbar.locator("button:visible")
    assert toolbar.locator("button[tabindex='0']").count() == 1
    focused_title = "document.activeElement.title"

    buttons.first.focus()
    page.keyboard.press("Tab")  # out of the toolbar, into the writing area
    assert page.evaluate("document.activeElement.classList.contains('ProseMirror')")
    page.keyboard.press("Shift+Tab")  # back to the toolbar's one stop
    assert page.evaluate(focused_title) == buttons.first.get_attribute("title")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(focused_title) == buttons.nth(1).get_attribute("title")
    page.keyboard.press("End")
    assert page.evaluate(focused_title) == buttons.last.get_attribute("title")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")  # round to the last
    assert page.evaluate(focused_title) == buttons.last.get_attribute("title")

    sizes = buttons.evaluate_all("all => all.map(b => [b.offsetWidth, b.offsetHeight])")
    assert min(min(size) for size in sizes) >= 24, sizes

    # Writing a long text down the page: the toolbar stays on the screen above the caret.
    writing.click()
    page.keyboard.press("Control+End")
    for line in range(40):
        page.keyboard.press("Enter")
        page.keyboard.type(f"Línea {line}")
    box = toolbar.bounding_box()
    assert page.evaluate("window.scrollY") > 900
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900
    context.close()


def test_the_toolbar_fits_a_phone_while_its_icon_font_is_still_loading(site, browser):
    make_user("chief", is_staff=True, is_superuser=True)
    context = new_context(browser, "es", 390)
    page = context.new_page()
    log_in_in_browser(page, site, "chief", "/admin/")
    held = []
    page.route("**/*.woff2", lambda route: held.append(route))  # held while we look
    # A font fetched before the load event holds that event back: don't wait for it.
    page.goto(site + reverse("admin:cities_city_add"), wait_until="domcontentloaded")
    page.wait_for_function(EDITORS_READY)
    page.wait_for_function("() => document.fonts.status === 'loading'")
    assert held
    assert page.evaluate(SCROLL_WIDTH) <= 390
    for route in held:
        route.continue_()
    context.close()


def test_the_narratives_toolbar_is_a_few_tabs_from_the_top_of_quitos_form(site, browser):
    """Without the form's "Go to" links it is 43 Tabs away (docs/testing.md)."""
    make_publisher(username="pablo")
    context = new_context(browser, "es", 1280)
    page = context.new_page()
    quito = change_url(City.objects.get(slug="quito"))
    log_in_in_browser(page, site, "pablo", quito, next_path=quito)
    wait_until_settled(page)
    focused = "document.activeElement.textContent.trim()"
    toolbar = ".prose-editor:has(#id_narrative_es) .prose-menubar"
    tabs = 0

    def tab_to(text):
        nonlocal tabs
        while page.evaluate(focused) != text and tabs < 20:
            page.keyboard.press("Tab")
            tabs += 1

    tab_to("Saltar al contenido principal")
    page.keyboard.press("Enter")
    tab_to("Relato (español)")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    tabs += 1

    assert page.evaluate(f"!!document.activeElement.closest({toolbar!r})")
    assert tabs <= 6
    context.close()
