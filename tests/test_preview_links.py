"""Preview links: a publisher shares a draft's preview with someone without an account, who
sees the changes (nothing else, never indexed or cached) and may comment; the link expires,
can be withdrawn, and each opening is logged."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cities import drafts, preview_links, review
from cities.models import (
    ContentVersion,
    OutgoingMail,
    PreviewComment,
    PreviewLink,
    ReviewRequest,
    Status,
)
from cities.models.preview_links import SALT

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

LIVE = "Learning in every parish"
DRAFTED = "Learning in every market, from dawn"


@pytest.fixture
def quito():
    return make_city(name="Quito", slug="quito", tagline=LIVE, cover=False, status=Status.PUBLISHED)


@pytest.fixture
def publisher():
    return make_publisher(username="pablo", email="pablo@example.org", language="es")


@pytest.fixture
def editor():
    return make_staff("Editors", username="eva", email="eva@example.org")


@pytest.fixture
def draft(quito, editor):
    return draft_of(quito, editor, tagline_en=DRAFTED)


def share_url(item):
    return reverse("admin:cities_city_share_preview", args=[item.pk])


def test_a_publisher_makes_a_link_from_the_form_and_a_visitor_sees_the_changes(
    quito, draft, publisher
):
    client = logged_in_client(publisher)
    response = client.post(share_url(quito))

    assert response.status_code == 302
    link = PreviewLink.objects.get()
    assert link.created_by == publisher and link.draft == draft
    assert link.expires_at - link.created_at == timedelta(days=7)
    form = client.get(change_url(quito)).text
    assert link.get_absolute_url() in form

    page = Client().get(link.get_absolute_url())

    assert page.status_code == 200
    assert DRAFTED in page.text and LIVE not in page.text
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex">' in page.text
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "Your comment on these changes" in page.text
    quito.refresh_from_db()
    assert quito.tagline_en == LIVE  # nothing of the draft is kept
    assert link.openings.count() == 1


def test_every_opening_is_logged_and_none_is_served_from_the_page_cache(draft, publisher):
    link = preview_links.make_link(draft.pk, publisher)
    visitor = Client()
    for _ in range(3):
        assert visitor.get(link.get_absolute_url()).status_code == 200
    assert link.openings.count() == 3

    preview_links.revoke(link.pk, publisher)

    assert visitor.get(link.get_absolute_url()).status_code == 404


def test_an_editor_who_may_not_publish_makes_no_link(quito, draft, editor):
    client = logged_in_client(editor)
    assert "Make a preview link" not in client.get(change_url(quito)).text

    response = client.post(share_url(quito), follow=True)

    assert "You may not publish “Quito”." in response.text
    assert not PreviewLink.objects.exists()


@pytest.mark.parametrize(
    "ended",
    ["expired", "withdrawn", "published", "discarded", "forged", "signed for something else"],
)
def test_a_link_that_no_longer_works_says_so_and_shows_nothing(ended, quito, draft, publisher):
    link = preview_links.make_link(draft.pk, publisher)
    address = link.get_absolute_url()
    moment = timezone.now()
    if ended == "expired":
        moment += timedelta(days=7, minutes=1)
    elif ended == "withdrawn":
        preview_links.revoke(link.pk, publisher)
    elif ended == "published":
        drafts.publish(draft.pk, publisher)
    elif ended == "discarded":
        drafts.discard(draft.pk, publisher)
    elif ended == "forged":
        address = address.replace(link.token, link.token[:-3] + "abc")
    else:
        address = address.replace(link.token, signing.Signer(salt="another").sign(str(link.pk)))

    with time_machine.travel(moment):
        page = Client().get(address)

    assert page.status_code == 404
    assert "This preview link does not work" in page.text
    assert DRAFTED not in page.text
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_a_comment_reaches_the_author_the_links_maker_and_the_review(
    quito, draft, editor, publisher
):
    submission = review.submit(quito, editor, draft=draft)
    link = preview_links.make_link(draft.pk, publisher)
    visitor = Client()

    response = visitor.post(
        link.get_absolute_url(),
        {"name": "María, punto focal de Quito", "text": "El lema dice mercado: ¿o mercados?"},
    )

    assert response.status_code == 302
    thanks = visitor.get(response["Location"]).text
    assert "your comment was sent to the editors" in thanks
    comment = PreviewComment.objects.get()
    assert comment.name == "María, punto focal de Quito"
    mails = {mail.recipient: mail for mail in OutgoingMail.objects.filter(body__contains="María")}
    assert set(mails) == {"eva@example.org", "pablo@example.org"}
    assert "El lema dice mercado" in mails["eva@example.org"].body
    # Each in their language: Pablo reads Spanish.
    assert mails["pablo@example.org"].subject.startswith("Un comentario")
    assert mails["eva@example.org"].subject.startswith("A comment")
    on_review = logged_in_client(publisher, language="en").get(review_url(submission)).text
    assert "El lema dice mercado" in on_review
    on_form = logged_in_client(editor).get(change_url(quito)).text
    assert "María, punto focal de Quito" in on_form
    assert ReviewRequest.objects.get().state == "submitted"


@pytest.mark.parametrize(
    "posted", [{"name": "María", "text": ""}, {"name": "", "text": "Bien"}, {"text": "x" * 2001}]
)
def test_an_incomplete_comment_is_refused_with_the_reason_and_nothing_is_kept(
    draft, publisher, posted
):
    link = preview_links.make_link(draft.pk, publisher)

    page = Client().post(link.get_absolute_url(), {"name": "María", **posted})

    assert page.status_code == 200
    assert "errorlist" in page.text
    assert not PreviewComment.objects.exists()
    assert not OutgoingMail.objects.filter(subject__contains="comment").exists()


def test_a_publisher_withdraws_a_link_from_the_form(quito, draft, publisher):
    link = preview_links.make_link(draft.pk, publisher)
    client = logged_in_client(publisher)
    revoke = reverse("admin:cities_city_revoke_preview_link", args=[quito.pk, link.pk])

    client.post(revoke)

    link.refresh_from_db()
    assert link.revoked_by == publisher and link.revoked_at is not None
    assert link.get_absolute_url() not in client.get(change_url(quito)).text
    assert Client().get(link.get_absolute_url()).status_code == 404


def test_the_token_is_the_links_id_signed_the_same_each_time(draft, publisher):
    link = preview_links.make_link(draft.pk, publisher)
    assert PreviewLink.id_in(link.token) == link.pk
    assert signing.Signer(salt=SALT).unsign(link.token) == str(link.pk)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert PreviewLink.objects.get().token == link.token
    assert PreviewLink.id_in("not-a-token") is None
    assert PreviewLink.id_in(f"{link.pk}:forged") is None


def test_openings_and_comments_leave_the_cached_public_pages_alone(draft, publisher):
    link = preview_links.make_link(draft.pk, publisher)
    version = ContentVersion.current().version

    Client().get(link.get_absolute_url())
    Client().post(link.get_absolute_url(), {"name": "María", "text": "Bien."})

    assert link.openings.count() == 1 and link.comments.count() == 1
    assert ContentVersion.current().version == version


def test_the_sitemap_never_lists_a_shared_preview(quito, draft, publisher):
    link = preview_links.make_link(draft.pk, publisher)
    Client().get(link.get_absolute_url())

    sitemap = Client().get("/sitemap.xml").text

    assert quito.get_absolute_url() in sitemap  # the live page is listed, not its preview
    assert link.token not in sitemap and "/preview/" not in sitemap


def test_the_shared_page_never_asks_the_front_to_keep_it(quito, draft, publisher):
    link = preview_links.make_link(draft.pk, publisher)
    public = Client().get(quito.get_absolute_url())
    assert "X-Accel-Expires" in public  # what the front keeps says so (cities.page_cache)

    for response in (
        Client().get(link.get_absolute_url()),
        Client().post(link.get_absolute_url(), {"name": "María", "text": ""}),
    ):
        assert "X-Accel-Expires" not in response


def test_a_draft_typed_in_spanish_is_shared_as_a_spanish_page(quito, editor, publisher):
    draft = draft_of(quito, editor, language="es", tagline_es="Aprender en cada mercado")
    link = preview_links.make_link(draft.pk, publisher)

    page = Client().get(link.get_absolute_url())

    assert link.get_absolute_url().startswith("/es/")
    assert "Aprender en cada mercado" in page.text
    assert "Su comentario sobre estos cambios" in page.text
    assert "Enviar el comentario" in page.text and "Send the comment" not in page.text


def test_a_link_made_for_two_days_works_on_the_first_and_not_after_the_second(
    quito, draft, publisher
):
    client = logged_in_client(publisher)
    form = client.get(change_url(quito)).text
    assert 'name="_preview_days"' in form and 'value="7" min="1" max="30"' in form

    made = client.post(share_url(quito), {"_preview_days": "2"}, follow=True)

    link = PreviewLink.objects.get()
    assert link.expires_at - link.created_at == timedelta(days=2)
    assert "A preview link is made" in made.text
    with time_machine.travel(link.created_at + timedelta(days=1)):
        assert DRAFTED in Client().get(link.get_absolute_url()).text
    with time_machine.travel(link.created_at + timedelta(days=2, minutes=1)):
        gone = Client().get(link.get_absolute_url())
    assert gone.status_code == 404 and "This preview link does not work" in gone.text


@pytest.mark.parametrize("days", ["0", "31", "", "2.5", "a week", "99999999999999999999"])
def test_a_link_for_a_time_out_of_range_is_refused_with_the_reason(quito, draft, publisher, days):
    client = logged_in_client(publisher)

    response = client.post(share_url(quito), {"_preview_days": days}, follow=True)

    assert "a whole number from 1 to 30" in response.text
    assert not PreviewLink.objects.exists()
