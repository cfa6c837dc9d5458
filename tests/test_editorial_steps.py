"""Every draft and review step announces itself with the engine's `step_taken` signal (who,
what, on which item and draft or submission), and is written in the site's log."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cities import draft_comments, drafts, review
from cities.models import City, Draft, Program, Status, TranslationStamp
from learningcities.editorial.actions import announce, delete, restore, step_taken
from learningcities.editorial.permissions import EditorialPermissionDenied

from .factories import (
    draft_of,
    logged_in_client,
    make_city,
    make_program,
    make_publisher,
    make_staff,
    posted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps():
    """The steps announced while the test runs: (step, item, user, draft, submission)."""
    taken = []

    def record(sender, step, item, user, draft=None, submission=None, **kwargs):
        assert sender is type(item)
        taken.append((step, item, user, draft, submission))

    step_taken.connect(record)
    yield taken
    step_taken.disconnect(record)


@pytest.fixture
def quito():
    return make_city(name="Quito", slug="quito", cover=False)


def test_a_drafts_way_from_its_first_save_to_its_publication(steps, quito):
    eva = make_staff("Editors", username="eva")
    pablo = make_publisher(username="pablo")
    draft = draft_of(quito, eva, tagline_en="Learning in every market")
    saved = drafts.autosave(quito, eva, drafts.as_post(draft.data), draft.revision)
    submission = review.submit(quito, eva, draft=saved)
    comment = draft_comments.add(saved.pk, pablo, "tagline_en", "Which markets?")
    draft_comments.answer(comment.pk, eva, "All of them.")
    draft_comments.resolve(comment.pk, pablo)
    version = review.reviewed_version(submission, quito)
    review.approve(submission.pk, pablo, version, publish_at=timezone.now() + timedelta(days=1))
    changed = Draft.objects.get()
    drafts.autosave(quito, eva, drafts.as_post(changed.data), changed.revision)
    drafts.publish(saved.pk, pablo)

    assert [(step, user.username) for step, _item, user, _d, _s in steps] == [
        ("autosaved", "eva"),
        ("submitted", "eva"),
        ("commented", "pablo"),
        ("answered", "eva"),
        ("resolved", "pablo"),
        ("scheduled", "pablo"),
        ("approved", "pablo"),
        ("schedule withdrawn", "eva"),
        ("autosaved", "eva"),
        ("published", "pablo"),
    ]
    assert all(item == quito and draft.pk == saved.pk for _s, item, _u, draft, _sub in steps)
    assert [sub for step, *_rest, sub in steps if sub is not None] == [submission, submission]


def test_rejecting_discarding_and_saving_are_announced(steps, quito):
    eva = make_staff("Editors", username="eva")
    pablo = make_publisher(username="pablo")
    draft = draft_of(quito, eva, tagline_en="Learning")
    submission = review.submit(quito, eva, draft=draft)
    review.reject(submission.pk, pablo, "Say more.")
    drafts.discard(draft.pk, eva)
    assert [step for step, *_rest in steps] == ["submitted", "rejected", "discarded"]


def test_each_step_is_in_the_log_and_autosaves_only_for_a_closer_look(quito, caplog):
    eva = make_staff("Editors", username="eva")
    draft = draft_of(quito, eva, tagline_en="Learning")
    with caplog.at_level(logging.INFO, logger="learningcities.editorial.actions"):
        drafts.autosave(quito, eva, drafts.as_post(draft.data), draft.revision)
        drafts.discard(draft.pk, eva)
    assert caplog.messages == [f"discarded: eva city {quito.pk} (draft {draft.pk})"]


def test_a_step_the_engine_does_not_know_is_refused(quito):
    with pytest.raises(ValueError, match="Unknown editorial step: 'renamed'"):
        announce("renamed", quito, None)


def test_deleting_is_an_engine_step_refused_whole_to_an_editor_for_a_published_item(steps, quito):
    eva = make_staff("Editors", username="eva")
    pablo = make_publisher(username="pablo")
    draft_city = make_city(name="Ibarra", status=Status.DRAFT)
    published_program = make_program(quito, name="Jóvenes Quito")

    # One published item among them: nothing is deleted, and the refusal names it.
    with pytest.raises(EditorialPermissionDenied, match="“Jóvenes Quito”"):
        delete(Program, [published_program.pk], eva)
    with pytest.raises(EditorialPermissionDenied):
        delete(City, [draft_city.pk, quito.pk], eva)
    assert City.objects.filter(pk__in=[draft_city.pk, quito.pk]).count() == 2
    assert steps == []

    assert [str(city) for city in delete(City, [draft_city.pk], eva)] == ["Ibarra"]
    delete(Program, [published_program.pk], pablo)
    assert not City.objects.filter(pk=draft_city.pk).exists()
    assert not Program.objects.filter(pk=published_program.pk).exists()
    assert [(step, str(item), user.username) for step, item, user, *_ in steps] == [
        ("deleted", "Ibarra", "eva"),
        ("deleted", "Jóvenes Quito", "pablo"),
    ]


def test_restoring_brings_an_item_back_with_what_its_deletion_took_along(steps, quito):
    eva = make_staff("Editors", username="eva")
    pablo = make_publisher(username="pablo")
    program = make_program(quito, name="Guagua Centros")
    delete(City, [quito.pk], pablo)
    last = quito.history.latest()

    assert restore(last.instance, eva, last.history_id) == 1
    quito = City.objects.get(slug="quito")
    assert quito.programs.get().name == program.name
    restored = quito.history.latest()
    assert restored.history_change_reason == f"restored from version {last.history_id}"
    assert restored.history_user == eva
    # Its texts are written anew by whoever restored it, over the stamps of before.
    stamps = TranslationStamp.objects.filter(object_id=quito.pk, field="name")
    assert {stamp.written_by for stamp in stamps if stamp.content_type.model == "city"} == {eva}
    assert [step for step, *_ in steps] == ["deleted", "restored"]


def test_restoring_needs_the_right_to_change_the_item(steps, quito):
    uploader = make_staff("Photo uploaders", username="ana")
    version = quito.history.latest()
    with pytest.raises(EditorialPermissionDenied):
        restore(version.instance, uploader, version.history_id)
    assert quito.history.count() == 1
    assert steps == []


def test_the_admins_delete_and_restore_are_the_engines_steps(steps, quito):
    pablo = logged_in_client(make_publisher(username="pablo"))
    response = pablo.post(reverse("admin:cities_city_delete", args=[quito.pk]), {"post": "yes"})
    assert response.status_code == 302
    deleted = quito.history.latest()
    restore_form = reverse("admin:cities_city_simple_history", args=[quito.pk, deleted.pk])
    form = pablo.get(restore_form).context["adminform"].form
    response = pablo.post(restore_form, {**posted(form), "_save": "Save"})
    assert response.status_code == 302
    assert City.objects.filter(pk=quito.pk).exists()
    assert [(step, user.username) for step, _item, user, *_ in steps] == [
        ("deleted", "pablo"),
        ("restored", "pablo"),
    ]
