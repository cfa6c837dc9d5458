"""Comments on the fields of a draft: a reviewer comments on a field or a passage; the
author sees it beside the field, answers and resolves it; open comments are on the review page
and the dashboard; they stay in the draft's history; mail goes to those concerned in their
language; nobody else may take part."""

import pytest
from django.urls import reverse

from cities import drafts, review
from cities.models import DraftComment, OutgoingMail

from .factories import (
    change_url,
    draft_of,
    logged_in_client,
    make_city,
    make_publisher,
    make_staff,
    review_url,
)

pytestmark = pytest.mark.django_db

NARRATIVE = "<p>Quito learns in its <strong>markets</strong> and parks.</p>"


@pytest.fixture
def quito():
    return make_city(name="Quito", slug="quito", cover=False)


@pytest.fixture
def eva():
    """The draft's author, an editor who reads her mail in Spanish."""
    return make_staff(
        "Editors", username="eva", first_name="Eva", email="eva@example.org", language="es"
    )


@pytest.fixture
def pablo():
    """The reviewer."""
    return make_publisher(username="pablo", first_name="Pablo", email="pablo@example.org")


@pytest.fixture
def draft(quito, eva):
    return draft_of(quito, eva, narrative_en=NARRATIVE, tagline_en="Markets and parks")


def comments_page(draft):
    return reverse("admin:cities_city_draft_comments", args=[draft.object_id, draft.pk])


def comment(client, draft, **fields):
    return client.post(comments_page(draft), fields)


def test_a_reviewers_comment_shows_beside_the_authors_field_and_is_mailed(quito, draft, eva, pablo):
    response = comment(
        logged_in_client(pablo),
        draft,
        field="narrative_en",
        quote="its markets and",
        text="Name the markets, please.",
    )
    saved = DraftComment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{saved.pk}")
    assert (saved.field, saved.quote, saved.author) == ("narrative_en", "its markets and", pablo)

    form = logged_in_client(eva).get(change_url(quito)).text
    assert "1 open comment" in form
    assert "“its markets and”: Name the markets, please." in form
    assert f'href="{comments_page(draft)}#comment-{saved.pk}"' in form

    mail = OutgoingMail.objects.get(recipient="eva@example.org")
    assert mail.subject == "Un comentario sobre el borrador de Quito"
    assert "Pablo comentó “Relato (inglés)” en el borrador de “Quito”" in mail.body
    assert "Name the markets, please." in mail.body
    assert comments_page(draft) in mail.body


def test_the_author_answers_and_resolves_and_the_reviewer_is_told(quito, draft, eva, pablo):
    comment(logged_in_client(pablo), draft, field="tagline_en", text="Too short.")
    saved = DraftComment.objects.get()
    author = logged_in_client(eva)
    answer = {"_answer": saved.pk, f"answer-{saved.pk}": "Longer now."}
    assert author.post(comments_page(draft), answer).status_code == 302
    assert author.post(comments_page(draft), {"_resolve": saved.pk}).status_code == 302

    saved.refresh_from_db()
    assert saved.resolved_by == eva and saved.answers.get().text == "Longer now."
    subjects = set(
        OutgoingMail.objects.filter(recipient="pablo@example.org").values_list("subject", flat=True)
    )
    assert subjects == {
        "An answer to a comment on the draft of Quito",
        "A comment on the draft of Quito is resolved",
    }
    assert "open comment" not in author.get(change_url(quito)).text
    page = author.get(comments_page(draft)).text
    assert "Longer now." in page and "resolved by eva" in page


def test_open_comments_are_on_the_review_page_and_the_dashboard(quito, draft, eva, pablo):
    submission = review.submit(quito, eva, draft=draft)
    reviewer = logged_in_client(pablo)
    comment(reviewer, draft, field="tagline_en", text="Say which parks.")
    comment(reviewer, draft, field="narrative_en", text="Fine.")
    drafts_comment = DraftComment.objects.get(text="Fine.")
    reviewer.post(comments_page(draft), {"_resolve": drafts_comment.pk})

    page = reviewer.get(review_url(submission)).text
    assert "Say which parks." in page and "Fine." not in page
    dashboard = logged_in_client(eva).get(reverse("admin:index")).text
    assert "Open comments on drafts" in dashboard
    assert "Quito, Tagline (English): “Say which parks.” (pablo)" in dashboard
    assert "Fine." not in dashboard


def test_comments_stay_in_the_drafts_history_once_it_is_published(quito, draft, pablo):
    reviewer = logged_in_client(pablo)
    comment(reviewer, draft, field="tagline_en", text="Good.")
    drafts.publish(draft.pk, pablo)

    history = reviewer.get(reverse("admin:cities_city_history", args=[quito.pk])).text
    assert f'<a href="{comments_page(draft)}">1 comment · 1 open</a>' in history
    page = reviewer.get(comments_page(draft)).text
    assert "Good." in page and "This draft was published" in page
    assert 'name="_answer"' not in page and 'id="new-comment"' not in page
    refused = comment(reviewer, draft, field="tagline_en", text="Too late.")
    assert refused.status_code == 400
    assert "This draft was already published." in refused.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"field": "tagline_en", "text": "   "}, "Write the comment first."),
        ({"field": "secret", "text": "Hm."}, "Choose the field the comment is about."),
        (
            {"field": "narrative_en", "quote": "not in the text", "text": "Hm."},
            "The passage is not in the draft&#x27;s “Narrative (English)”: copy it from there.",
        ),
        ({"field": "tagline_en", "text": "x" * 2001}, "at most 2000 characters"),
        ({"_answer": "999999", "answer-999999": "Hm."}, "That comment is not on this draft."),
        ({"_resolve": "junk"}, "That comment is not on this draft."),
    ],
)
def test_bad_comments_are_refused_with_the_reason_and_the_typing_kept(
    draft, pablo, fields, message
):
    response = comment(logged_in_client(pablo), draft, **fields)
    assert response.status_code == 400
    assert message in response.text
    if "quote" in fields:
        assert 'value="not in the text"' in response.text
    assert not DraftComment.objects.exists()


def test_a_comment_on_another_drafts_comment_is_refused(quito, draft, pablo):
    other_city = make_city(name="Loja", slug="loja", cover=False)
    other = draft_of(other_city, pablo, tagline_en="Music")
    reviewer = logged_in_client(pablo)
    reviewer.post(comments_page(other), {"field": "tagline_en", "text": "Elsewhere."})
    elsewhere = DraftComment.objects.get()
    response = reviewer.post(comments_page(draft), {"_resolve": elsewhere.pk})
    assert response.status_code == 400
    elsewhere.refresh_from_db()
    assert elsewhere.resolved_at is None


def test_people_who_may_not_change_the_item_see_no_comments(draft):
    uploader = make_staff("Photo uploaders", username="ana")
    client = logged_in_client(uploader)
    assert client.get(comments_page(draft)).status_code == 403
    assert comment(client, draft, field="tagline_en", text="Hm.").status_code == 403
    assert not DraftComment.objects.exists()


def test_the_comments_page_is_in_spanish_for_spanish_staff(draft, eva):
    page = logged_in_client(eva, language="es").get(comments_page(draft)).text
    assert "Un comentario nuevo" in page
    assert "Relato (inglés)" in page


def test_each_rich_text_of_the_form_offers_a_comment_on_its_selection(quito, draft, eva):
    form = logged_in_client(eva).get(change_url(quito)).text

    for field in ("narrative_en", "narrative_es"):
        assert (
            f'data-comment-on="{field}" data-url="{comments_page(draft)}?field={field}" hidden>'
            "Comment on the selection</button>"
        ) in form
    assert 'data-comment-on="tagline_en"' not in form  # a line of plain text: copied, if need be
    assert "cities/admin/draft-comments.js" in form


def test_the_comment_form_opens_with_the_field_and_the_selected_passage(draft, pablo):
    client = logged_in_client(pablo)
    address = comments_page(draft) + "?field=narrative_en&quote=its+markets+and"

    page = client.get(address).text

    assert '<option value="narrative_en" selected>' in page
    assert 'value="its markets and"' in page
    assert "autofocus" in page  # on the comment, the rest being filled in
