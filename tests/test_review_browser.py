"""The review workflow in the browser: an uploader submits a photo, a publisher is mailed
(a real SMTP server) and finds it on the dashboard, rejects it with a comment, the uploader
reads the comment, fixes the photo and submits it again, the publisher approves, and the
photo appears on Quito's public page; meanwhile an editor's draft change to Quito's narrative
stays off the public page until a publisher publishes it."""

import pytest
from django.apps import apps

from tests import photo_samples as samples
from tests.factories import loaded_width, log_in_in_browser
from tests.smtp import send_mail_to, smtp_server
from tests.test_browser import watch_errors

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ADD_PHOTO = "/admin/cities/photo/add/"


@pytest.fixture
def inbox(settings, site):
    # The mails' links name the site's address: here, the live server's.
    settings.SITE_URL = site
    with smtp_server() as inbox:
        send_mail_to(settings, inbox.port)
        # Sent in the live server's own thread after the commit, by the tests' immediate task
        # backend. (tests/test_notifications.py covers sending by the background worker.)
        yield inbox


DRAFTED = "Quito aprende en cada parroquia, de sus mercados a sus parques."
QUITO_FORM = "/admin/cities/city/{}/change/"


def write_draft_of_quitos_narrative(page, site):
    """An editor without the right to publish changes Quito's Spanish narrative and saves
    it: the only button is "Save draft"."""
    quito = apps.get_model("cities", "City").objects.get(slug="quito")
    form = QUITO_FORM.format(quito.pk)
    log_in_in_browser(page, site, "eva", form, next_path=form)
    assert page.locator("input[name=_save]").count() == 0
    editor = page.locator(".prose-editor:has(#id_narrative_es) .ProseMirror")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(DRAFTED)
    page.click("input[name=_save_draft]")
    page.wait_for_url(f"**{form}")
    assert "saved as a draft" in page.locator(".messagelist").first.inner_text()
    # The form shows the draft, and says the public page does not.
    assert DRAFTED in page.input_value("#id_narrative_es")
    assert "unpublished changes" in page.locator(".draft-notice").inner_text()
    return form


def new_page(browser):
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def test_a_photo_goes_through_review_to_the_public_page(site, people, inbox, browser):
    uploader, publisher, editor = new_page(browser), new_page(browser), new_page(browser)
    errors = {
        "uploader": watch_errors(uploader),
        "publisher": watch_errors(publisher),
        "editor": watch_errors(editor),
    }
    visitor = new_page(browser)
    quito_form = write_draft_of_quitos_narrative(editor, site)
    visitor.goto(f"{site}/es/cities/quito/")
    assert DRAFTED not in visitor.inner_text("main")

    # The uploader cannot publish, only submit.
    log_in_in_browser(uploader, site, "ana", ADD_PHOTO, next_path=ADD_PHOTO)
    statuses = uploader.locator("#id_status option").evaluate_all("os => os.map(o => o.value)")
    assert statuses == ["draft", "archived"]
    uploader.fill("#id_title_es", "Plaza Grande")
    uploader.fill("#id_title_en", "Plaza Grande")
    uploader.fill("#id_alt_text_es", "La plaza con su fuente y la catedral al fondo")
    uploader.fill("#id_alt_text_en", "The square with its fountain and the cathedral behind")
    uploader.select_option("#id_city", label="Quito")
    uploader.fill("#id_author", "Rosa Quizhpe")
    uploader.select_option("#id_licence", label="CC BY 4.0")
    uploader.set_input_files(
        "#id_image",
        files=[{"name": "plaza.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg(1200, 800)}],
    )
    uploader.click("input[name=_submit_for_review]")
    uploader.wait_for_url("**/admin/cities/photo/")
    assert "submitted for review" in uploader.locator(".messagelist").inner_text()

    # The publisher is mailed, and finds it on the dashboard.
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == "pablo@example.org"
    assert mail["Subject"] == "Awaiting your review: Plaza Grande"
    log_in_in_browser(publisher, site, "pablo", "/admin/")
    awaiting = publisher.locator("section", has_text="Awaiting my review")
    awaiting.get_by_role("link", name="Plaza Grande").click()
    assert publisher.url in mail.get_content()  # the mail links to this very page
    assert loaded_width(publisher.locator("figure img")) > 0
    publisher.fill("#id_comment", "Name the holder: Municipio de Quito.")
    publisher.click("input[name=_reject]")
    publisher.wait_for_url("**/admin/cities/reviewrequest/**")
    assert "is rejected" in publisher.locator(".messagelist").inner_text()

    # The uploader reads why (mail, dashboard, form), fixes it and submits it again.
    rejection = inbox.wait_for(2)[1]
    assert rejection["To"] == "ana@example.org"
    assert "Name the holder: Municipio de Quito." in rejection.get_content()
    uploader.goto(site + "/admin/")
    mine = uploader.locator("section", has_text="My submissions")
    assert "Name the holder: Municipio de Quito." in mine.inner_text()
    mine.get_by_role("link", name="Plaza Grande").click()
    assert "Name the holder: Municipio de Quito." in uploader.locator(".review-notice").inner_text()
    uploader.fill("#id_holder", "Municipio de Quito")
    uploader.click("input[name=_submit_for_review]")
    uploader.wait_for_url("**/admin/cities/photo/")

    # The publisher approves; the photo is public on Quito's page, credited.
    assert inbox.wait_for(3)[2]["To"] == "pablo@example.org"
    publisher.goto(site + "/admin/")
    publisher.locator("section", has_text="Awaiting my review").get_by_role(
        "link", name="Plaza Grande"
    ).click()
    publisher.click("input[name=_approve]")
    publisher.wait_for_url("**/admin/cities/reviewrequest/**")
    assert "approved and published" in publisher.locator(".messagelist").inner_text()
    assert inbox.wait_for(4)[3]["Subject"] == "Approved: Plaza Grande"

    visitor.goto(f"{site}/en/cities/quito/")
    figure = visitor.locator("figure", has_text="Plaza Grande")
    image = figure.locator("img")
    assert loaded_width(image) > 0
    assert "Rosa Quizhpe / Municipio de Quito" in figure.locator("figcaption").inner_text()

    # All along, the editor's draft stayed off the public page; the publisher previews it
    # and publishes it, and then the public reads it.
    visitor.goto(f"{site}/es/cities/quito/")
    assert DRAFTED not in visitor.inner_text("main")
    publisher.goto(site + quito_form)
    with publisher.expect_popup() as preview:
        publisher.click("text=Preview the changes")
    preview = preview.value
    # The preview opens in the admin's language; the draft changed the Spanish text.
    preview.goto(preview.url.replace("/en/", "/es/"))
    assert "/es/preview/" in preview.url
    assert DRAFTED in preview.inner_text("main")
    preview.close()
    publisher.click("input[name=_save]")
    publisher.wait_for_url("**/admin/cities/city/")
    visitor.goto(f"{site}/es/cities/quito/")
    assert DRAFTED in visitor.inner_text("main")
    # Django's admin pages name no icon, so Chromium asks for /favicon.ico: not this workflow's.
    assert {
        person: [error for error in found if "status of 404" not in error]
        for person, found in errors.items()
    } == {"uploader": [], "publisher": [], "editor": []}
