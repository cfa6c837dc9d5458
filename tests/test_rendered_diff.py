"""A review and the history's comparison show changed rich text as the visitor will see it:
rendered, with the words added and removed marked and a changed form (a paragraph made a
heading) framed, and the HTML source of both versions on demand."""

import re

import pytest

from cities.models import ReviewRequest
from cities.rendered_diff import rendered_diff

from .factories import (
    change_url,
    logged_in_client,
    make_city,
    make_publisher,
    make_staff,
    review_url,
)
from .test_edit_conflicts import opened_form
from .test_history_wording import compare_url

pytestmark = pytest.mark.django_db

LIVE = "<p>Quito aprende en sus barrios.</p><p>Sus mercados enseñan.</p>"
# The misplaced cursor of the walkthrough: the first paragraph made a heading.
HEADING = "<h2>Quito aprende en sus barrios.</h2><p>Sus mercados enseñan.</p>"


def rendered(html):
    """The rendered change shown on a page."""
    return re.search(r'<div class="rich-diff">(.*?)</div>', html, re.DOTALL)[1]


def test_a_paragraph_made_a_heading_shows_as_a_framed_heading_on_the_review():
    quito = make_city(name="Quito", narrative_es=LIVE, cover=False)
    editor = logged_in_client(make_staff("Editors", username="eva"), language="es")
    submitted = opened_form(editor, quito) | {"narrative_es": HEADING, "_submit_for_review": "1"}
    submitted.pop("_save")
    editor.post(change_url(quito), submitted)
    publisher = logged_in_client(make_publisher(username="pablo"), language="es")
    page = publisher.get(review_url(ReviewRequest.objects.get())).content.decode()

    assert rendered(page) == (
        '<h2 class="rich-diff__changed">Quito aprende en sus barrios.</h2>'
        "<p>Sus mercados enseñan.</p>"
    )
    source = page[page.index('<details class="rich-diff__source">') :]
    assert "&lt;p&gt;Quito aprende en sus barrios.&lt;/p&gt;" in source
    assert "&lt;h2&gt;Quito aprende en sus barrios.&lt;/h2&gt;" in source


def test_the_comparison_of_two_versions_marks_words_inside_the_rendered_text():
    quito = make_city(name="Quito", narrative_es=LIVE, cover=False)
    first = quito.history.latest()
    quito.narrative_es = "<p>Quito aprende en cada parroquia.</p><ul><li>Mercados</li></ul>"
    quito.save()
    superuser = make_staff("Editors", is_superuser=True)
    page = logged_in_client(superuser).get(compare_url(quito, first, quito.history.latest()))

    assert rendered(page.content.decode()) == (
        "<p>Quito aprende en <del>sus barrios.</del><ins>cada parroquia.</ins></p>"
        '<ul class="rich-diff__changed"><li class="rich-diff__changed">'
        "<del>Sus mercados enseñan.</del><ins>Mercados</ins></li></ul>"
    )


def test_words_removed_go_back_where_they_were():
    assert rendered_diff("<p>Uno dos tres.</p>", "<p>Uno tres.</p>") == (
        "<p>Uno <del>dos </del>tres.</p>"
    )
    # A paragraph removed after the last one is put back as a paragraph of its own.
    assert rendered_diff("<p>Uno.</p><p>Dos.</p>", "<p>Uno.</p>") == (
        "<p>Uno.</p><p><del>Dos.</del></p>"
    )
    # A changed address frames its link.
    assert rendered_diff(
        '<p><a href="https://a.org">Sitio</a>.</p>', '<p><a href="https://b.org">Sitio</a>.</p>'
    ) == ('<p><a class="rich-diff__changed" href="https://b.org">Sitio</a>.</p>')


def test_only_the_rich_texts_own_tags_reach_the_page():
    shown = rendered_diff("<p>Hola</p>", '<p>Hola <img src=x onerror="alert(1)"><b>mundo</b></p>')
    assert "<img" not in shown and "onerror" not in shown
    assert "mundo" in shown
