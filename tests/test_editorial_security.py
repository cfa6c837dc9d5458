"""The findings of the security review of the editorial work (issue 24), one class each: who
may take which step, and which revision of a draft an approval or a schedule means."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from cities import drafts, review
from cities.models import (
    City,
    Draft,
    DraftState,
    OutgoingMail,
    Program,
    ReviewRequest,
    ReviewState,
    Status,
)
from learningcities.editorial.versions import newest_version_id

from .factories import (
    change_url,
    logged_in_client,
    make_city,
    make_program,
    make_publisher,
    make_publishing_uploader,
    make_staff,
    review_url,
)
from .test_drafts import DRAFTED, LIVE, assert_left_open_and_scheduler_told, save_draft
from .test_edit_conflicts import opened_form

pytestmark = pytest.mark.django_db

LATER = "<p>Loja learns by the river, text nobody reviewed.</p>"


@pytest.fixture
def loja():
    return make_city(name="Loja", slug="loja", narrative=LIVE, narrative_es=LIVE, cover=False)


@pytest.fixture
def editor():
    return make_staff("Editors", username="eva", email="eva@example.org")


@pytest.fixture
def publisher():
    return make_publisher(username="pablo", email="pablo@example.org")


def submit_draft(client, item, **changes):
    data = opened_form(client, item) | changes
    data.pop("_save")
    return client.post(change_url(item), {**data, "_submit_for_review": "1"})


def approve(client, submission, **values):
    submission.refresh_from_db()
    version = review.reviewed_version(submission, submission.item)
    return client.post(review_url(submission), {"version": version, "_approve": "1", **values})


def in_a_while():
    return (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


class TestAnApprovalMeansTheRevisionApproved:
    """Finding 1: a scheduled draft changed after approval went live unreviewed, under the
    approver's name."""

    def test_saving_the_draft_again_withdraws_the_approval_and_the_schedule(
        self, loja, editor, publisher
    ):
        author = logged_in_client(editor)
        assert submit_draft(author, loja, narrative_en=DRAFTED).status_code == 302
        submission = ReviewRequest.objects.get()
        assert (
            approve(logged_in_client(publisher), submission, publish_at=in_a_while()).status_code
            == 302
        )
        draft = Draft.objects.get()
        assert draft.publish_at is not None and draft.scheduled_by == publisher

        response = save_draft(author, loja, narrative_en=LATER)

        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.state == DraftState.OPEN and draft.revision == 2
        assert draft.publish_at is None and draft.scheduled_by is None
        submission.refresh_from_db()
        assert submission.state == ReviewState.WITHDRAWN
        # Both people are told: the editor on the page, the publisher by mail.
        shown = author.get(response["Location"]).text
        assert "approval and its scheduled publication are withdrawn" in shown
        # And the form's review notice says so, not that it was rejected.
        assert "then withdrawn: the draft was changed after the approval" in shown
        assert "Rejected" not in author.get(change_url(loja)).text
        mail = OutgoingMail.objects.get(
            recipient="pablo@example.org", subject__contains="Withdrawn"
        )
        assert "Loja" in mail.subject and "eva" in mail.body
        # Its time would have come: nothing unreviewed goes public.
        assert drafts.publish_due(at=timezone.now() + timedelta(days=1)) == 0
        loja.refresh_from_db()
        assert loja.narrative_en == LIVE

    def test_a_scheduled_draft_publishes_only_the_revision_it_was_scheduled_with(
        self, loja, publisher
    ):
        client = logged_in_client(publisher)
        save_draft(client, loja, narrative_en=DRAFTED)
        draft = Draft.objects.get()
        drafts.schedule(draft.pk, publisher, timezone.now() + timedelta(hours=1))
        # Changed behind the schedule's back (not through a save that withdraws it).
        Draft.objects.filter(pk=draft.pk).update(revision=draft.revision + 1)

        assert drafts.publish_due(at=timezone.now() + timedelta(hours=2)) == 0

        assert_left_open_and_scheduler_told(draft, "changed after it was scheduled", loja)

    def test_the_scheduler_saving_their_own_draft_keeps_their_schedule(self, loja, publisher):
        client = logged_in_client(publisher)
        save_draft(client, loja, narrative_en=DRAFTED)
        draft = Draft.objects.get()
        drafts.schedule(draft.pk, publisher, timezone.now() + timedelta(hours=1))

        save_draft(client, loja, narrative_en=LATER)

        draft.refresh_from_db()
        assert draft.publish_at is not None and draft.scheduled_revision == draft.revision == 2
        assert drafts.publish_due(at=timezone.now() + timedelta(hours=2)) == 1
        loja.refresh_from_db()
        assert loja.narrative_en == LATER


class TestOnlyPublishersTakeLiveContentOffline:
    """Finding 2: editors without the right to publish made published programs drafts,
    archived or deleted them, one at a time or a whole list."""

    @pytest.fixture
    def programs(self, loja):
        return [make_program(loja, name=f"Program {n}") for n in range(2)]

    def act(self, client, action, programs):
        return client.post(
            reverse("admin:cities_program_changelist"),
            {"action": action, "_selected_action": [p.pk for p in programs], "post": "yes"},
            follow=True,
        )

    @pytest.mark.parametrize("action", ["make_draft", "archive", "delete_selected"])
    def test_an_editor_cannot_take_published_programs_offline_from_the_list(
        self, editor, programs, action
    ):
        response = self.act(logged_in_client(editor), action, programs)

        assert response.status_code in (200, 403)
        assert Program.objects.filter(status=Status.PUBLISHED).count() == 2

    def test_an_editor_cannot_delete_a_published_program(self, editor, programs):
        client = logged_in_client(editor)
        delete_url = reverse("admin:cities_program_delete", args=[programs[0].pk])

        assert client.get(delete_url).status_code == 403
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
        assert Program.objects.count() == 2

    def test_an_editor_still_archives_and_deletes_what_is_not_public(self, editor, loja):
        drafted = [make_program(loja, name=f"Idea {n}", status=Status.DRAFT) for n in range(2)]
        client = logged_in_client(editor)

        self.act(client, "archive", drafted[:1])
        self.act(client, "delete_selected", drafted[1:])

        assert list(Program.objects.values_list("status", flat=True)) == [Status.ARCHIVED]

    def test_a_publisher_takes_them_offline(self, publisher, programs):
        self.act(logged_in_client(publisher), "make_draft", programs)
        assert Program.objects.filter(status=Status.DRAFT).count() == 2


class TestPublishingNeedsTheRightToChangeTheItem:
    """Finding 3: a publisher without the right to change cities approved and published a
    city from the review page."""

    def test_a_publisher_who_may_not_change_cities_cannot_approve_one(self, editor):
        city = make_city(name="Azogues", slug="azogues", status=Status.DRAFT, cover=False)
        review.submit(city, editor)
        submission = ReviewRequest.objects.get()
        photo_publisher = make_publishing_uploader(username="fotos")
        client = logged_in_client(photo_publisher)

        assert client.get(review_url(submission)).status_code == 403
        assert approve(client, submission).status_code == 403

        submission.refresh_from_db()
        assert submission.state == ReviewState.SUBMITTED
        assert City.objects.get(pk=city.pk).status == Status.DRAFT
        with pytest.raises(PermissionDenied):
            review.approve(submission.pk, photo_publisher, newest_version_id(city))


class TestAScheduleIsCheckedAtItsTime:
    """Finding 4: a scheduled draft of someone who lost the right to publish still published
    as them."""

    def test_a_scheduler_who_lost_the_right_to_publish_publishes_nothing(self, loja, publisher):
        save_draft(logged_in_client(publisher), loja, narrative_en=DRAFTED)
        draft = Draft.objects.get()
        drafts.schedule(draft.pk, publisher, timezone.now() + timedelta(hours=1))
        publisher.groups.remove(Group.objects.get(name="Publishers"))

        assert drafts.publish_due(at=timezone.now() + timedelta(hours=2)) == 0

        assert_left_open_and_scheduler_told(draft, "can no longer publish", loja)


class TestWhatEditorsAreOffered:
    """Finding 5: what the pages offer works for the person offered it."""

    def test_the_review_pages_preview_opens_the_drafts_language(self, loja, publisher):
        spanish_editor = make_staff("Editors", username="sol")
        submit_draft(logged_in_client(spanish_editor, language="es"), loja, narrative_es=DRAFTED)
        submission = ReviewRequest.objects.get()

        page = logged_in_client(publisher).get(review_url(submission))

        draft = Draft.objects.get()
        assert draft.language == "es"
        assert page.context["preview_url"] == f"/es/preview/changes/{draft.pk}/"

    @pytest.mark.parametrize("status", [Status.PUBLISHED, Status.DRAFT])
    def test_restore_is_offered_only_to_those_allowed_to_restore(self, editor, publisher, status):
        city = make_city(narrative="Original.", status=status, cover=False)
        first = city.history.latest()
        city.narrative = "Edited."
        city.save()
        url = reverse("admin:cities_city_simple_history", args=[city.pk, first.pk])
        # Restoring a live city publishes it: not for an editor who may not publish.
        editor_may_restore = status != Status.PUBLISHED

        for person, may_restore in ((editor, editor_may_restore), (publisher, True)):
            page = logged_in_client(person).get(url)
            assert page.status_code == 200
            assert ("Restore this version" in page.text) == may_restore
            assert page.context["revert_disabled"] != may_restore

    def test_an_editor_posting_a_restore_of_a_live_city_anyway_is_refused(self, editor):
        city = make_city(narrative="Original.", cover=False)
        first = city.history.latest()
        city.narrative = "Edited."
        city.save()
        url = reverse("admin:cities_city_simple_history", args=[city.pk, first.pk])

        assert logged_in_client(editor).post(url, {"narrative_en": "Original."}).status_code == 403
        city.refresh_from_db()
        assert city.narrative == "Edited."


@pytest.mark.django_db(transaction=True)
def test_drafts_scheduled_before_the_pin_existed_are_pinned_to_their_revision_and_back():
    before, after = (
        [("cities", "0019_draft_changes_of_live_content")],
        [("cities", "0020_approval_pins_the_draft_revision")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    city_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="cities", model="city"
    )
    OldDraft = old.get_model("cities", "Draft")
    moment = timezone.now() + timedelta(hours=1)
    scheduled = OldDraft.objects.create(
        content_type=city_type, object_id=1, revision=3, publish_at=moment, data={"a": ["1"]}
    )
    unscheduled = OldDraft.objects.create(content_type=city_type, object_id=2, revision=2)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("cities", "Draft")
    pinned = {draft.pk: draft.scheduled_revision for draft in new.objects.all()}
    assert pinned == {scheduled.pk: 3, unscheduled.pk: None}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(before)
    kept = OldDraft.objects.get(pk=scheduled.pk)
    assert (kept.revision, kept.publish_at, kept.data) == (3, moment, {"a": ["1"]})
    # The tests after this one need the database as the newest migrations leave it.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
