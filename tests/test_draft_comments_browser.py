"""Comments on a selection in the browser: a reviewer selects words in Quito's narrative on
the form showing its draft, presses "Comment on the selection", comments in the tab it opens
with the field and the words filled in, and finds the quote and the comment beside the field."""

import pytest
from django.contrib.auth import get_user_model

from cities.models import City, DraftComment
from tests.factories import change_url, draft_of, superuser_in_browser
from tests.test_browser import watch_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "Which year? Say it once, in the first sentence."


def test_a_comment_on_words_selected_in_the_narrative_shows_beside_it(site, browser):
    context, page = superuser_in_browser(browser, site, "pablo")
    quito = City.objects.get(slug="quito")
    draft_of(quito, get_user_model().objects.get(username="pablo"))
    errors = watch_errors(page)
    page.goto(site + change_url(quito))
    # A function, not an expression: Playwright would eval() one, which the admin's CSP refuses.
    page.wait_for_function(
        "() => document.querySelectorAll('textarea[data-django-prose-editor-configurable]')"
        ".length === document.querySelectorAll('.ProseMirror').length"
    )
    narrative = page.locator("#id_narrative_en").locator("xpath=..").locator(".ProseMirror")

    # The narrative's first three words, selected from the keyboard (Linux: to each word's end).
    narrative.press("Control+Home")
    for _ in range(3):
        narrative.press("Control+Shift+ArrowRight")
    assert page.evaluate("() => document.getSelection().toString()") == "Quito joined the"
    with context.expect_page() as opened:
        page.locator('button[data-comment-on="narrative_en"]').click()
    comments = opened.value
    comments.wait_for_load_state()

    assert comments.locator("#id_comment_field").input_value() == "narrative_en"
    assert comments.locator("#id_comment_quote").input_value() == "Quito joined the"
    # The comment box takes the focus (the page's, the headless tab not being the window's):
    # the rest is filled in.
    comments.wait_for_function("() => document.activeElement.id === 'id_comment_text'")
    comments.fill("#id_comment_text", COMMENT)
    comments.locator("#new-comment input[type=submit]").click()
    comments.wait_for_url("**#comment-*")
    assert DraftComment.objects.get().quote == "Quito joined the"

    page.goto(site + change_url(quito))
    note = page.locator(".field-narrative_en .draft-comments-note")
    assert f"“Quito joined the”: {COMMENT}" in note.inner_text()
    assert page.locator(".field-tagline_en .draft-comments-note").count() == 0
    assert errors == []
    context.close()
