"""A preview link in the browser: a city's focal point, with no account, opens the link a
publisher sent, sees the draft's changes on Quito's page, and leaves a comment that the
publisher then reads on Quito's form."""

import pytest

from cities import preview_links
from cities.models import City, PreviewComment
from tests.factories import draft_of, log_in_in_browser, make_publisher
from tests.test_browser import watch_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFTED = "Quito learns in every market, from dawn"
COMMENT = "The markets open at six: could the text say so?"


def test_a_focal_point_without_an_account_comments_on_a_shared_preview(site, browser, page):
    quito = City.objects.get(slug="quito")
    publisher = make_publisher(username="pablo")
    link = preview_links.make_link(draft_of(quito, publisher, tagline_en=DRAFTED).pk, publisher)
    visitor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    errors = watch_errors(visitor)

    visitor.goto(site + link.get_absolute_url())

    assert DRAFTED in visitor.locator("main").inner_text()
    assert "Preview of unpublished changes" in visitor.locator(".notice--preview").inner_text()
    visitor.fill("input[name=name]", "María, focal point of Quito")
    visitor.fill("textarea[name=text]", COMMENT)
    visitor.click("text=Send the comment")
    visitor.wait_for_url("**?commented=1#preview-comment")
    assert "your comment was sent" in visitor.locator(".preview-comment__sent").inner_text()
    assert errors == []
    assert PreviewComment.objects.get().text == COMMENT
    quito.refresh_from_db()
    assert quito.tagline_en != DRAFTED

    form = f"/admin/cities/city/{quito.pk}/change/"
    log_in_in_browser(page, site, "pablo", form, next_path=form)
    notice = page.locator(".draft-notice").inner_text()
    assert COMMENT in notice and "María, focal point of Quito" in notice
    assert "opened 1 time" in notice
