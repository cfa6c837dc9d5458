"""The editorial engine on a content type of its own (tests/editorial_testapp): a note with
links, which takes part in drafts, review, scheduling, history and previews through one
`editorial.register()` call and nothing else. No admin is involved: these are the engine's
rules, called as a command or a test would."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cities import drafts, review
from cities.models import DraftState, ReviewRequest, ReviewState
from cities.scheduling import publish_scheduled
from learningcities import editorial
from learningcities.editorial.actions import change_status
from learningcities.editorial.permissions import EditorialPermissionDenied
from learningcities.editorial.publishing import Status
from tests.editorial_testapp.models import Note, NoteLink

from .factories import draft_of, saved_by, staff_with

pytestmark = pytest.mark.django_db

NOTE_RIGHTS = ("view_note", "change_note", "view_notelink", "change_notelink", "add_notelink")
NOTE_RIGHTS += ("delete_notelink",)


@pytest.fixture
def writer():
    return staff_with(*NOTE_RIGHTS)


@pytest.fixture
def publisher():
    return staff_with(*NOTE_RIGHTS, "publish_content")


@pytest.fixture
def note(publisher):
    note = Note(title="Night classes", body="Tuesdays.", status=Status.PUBLISHED)
    saved_by(publisher, note)
    NoteLink.objects.create(note=note, url="https://example.org/classes")
    return note


def test_one_registration_gives_the_note_every_feature():
    registration = editorial.registration(Note)
    assert registration.drafts and registration.review and registration.history
    assert registration.publishable and registration.preview is not None
    for feature in ("drafts", "review", "history", "preview", "publishable"):
        assert Note in editorial.models_with(feature), feature


def test_its_saves_are_recorded_in_its_history(note, writer):
    saved_by(writer, note, title="Evening classes")
    assert [(v.title, v.history_user) for v in note.history.order_by("history_id")] == [
        ("Night classes", note.history.earliest("history_id").history_user),
        ("Evening classes", writer),
    ]


def test_only_a_publisher_takes_it_off_the_site(note, writer, publisher):
    with pytest.raises(EditorialPermissionDenied):
        change_status(Note, [note.pk], writer, Status.ARCHIVED)
    assert Note.objects.get().status == Status.PUBLISHED

    change_status(Note, [note.pk], publisher, Status.ARCHIVED, reason="archived")

    assert Note.objects.get().status == Status.ARCHIVED
    assert note.history.first().history_change_reason == "archived"


def test_a_draft_of_the_live_note_is_published_with_its_rows(note, writer, publisher):
    draft = draft_of(
        note, writer, title="Evening classes", **{"links-0-url": "https://example.org/evening"}
    )
    assert Note.objects.get().title == "Night classes"  # a draft changes nothing live

    drafts.publish(draft.pk, publisher)

    note.refresh_from_db()
    assert note.title == "Evening classes"
    assert [link.url for link in note.links.all()] == ["https://example.org/evening"]
    assert note.history.first().history_user == publisher


def test_a_writer_cannot_publish_the_draft(note, writer):
    draft = draft_of(note, writer, title="Evening classes")
    with pytest.raises(PermissionDenied):
        drafts.publish(draft.pk, writer)
    assert Note.objects.get().title == "Night classes"


def test_a_draft_its_forms_refuse_stays_open_and_says_why(note, publisher):
    draft = draft_of(note, publisher, title="")
    with pytest.raises(drafts.DraftNotApplicable, match="Title: This field is required"):
        drafts.publish(draft.pk, publisher)
    assert Note.objects.get().title == "Night classes"
    draft.refresh_from_db()
    assert draft.state == DraftState.OPEN


def test_a_submitted_draft_is_published_by_its_approval(note, writer, publisher):
    draft = draft_of(note, writer, title="Evening classes")
    submission = review.submit(note, writer, draft=draft)

    version = review.reviewed_version(submission, note)
    review.approve(submission.pk, publisher, version)

    assert Note.objects.get().title == "Evening classes"
    assert ReviewRequest.objects.get().state == ReviewState.APPROVED


def test_a_scheduled_draft_is_published_at_its_time_and_not_before(note, publisher):
    draft = draft_of(note, publisher, title="Evening classes")
    moment = timezone.now() + timedelta(hours=2)
    drafts.schedule(draft.pk, publisher, moment)

    assert publish_scheduled() == 0
    with time_machine.travel(moment + timedelta(minutes=1)):
        assert publish_scheduled() == 1

    assert Note.objects.get().title == "Evening classes"
    draft.refresh_from_db()
    assert draft.state == DraftState.PUBLISHED


def test_the_preview_shows_the_draft_and_keeps_nothing_of_it(note, publisher):
    draft = draft_of(note, publisher, title="Evening classes")
    client = Client()
    client.force_login(publisher)

    page = client.get(reverse("cities:draft_preview", args=[draft.pk]))

    assert page.status_code == 200
    assert "<h1>Evening classes</h1>" in page.text
    assert Note.objects.get().title == "Night classes"
