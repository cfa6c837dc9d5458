"""Every draft and review step announces itself with the engine's `step_taken` signal (who,
what, on which item and draft or submission), and is written in the site's log."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from cities import draft_comments, drafts, review
from cities.models import Draft
from learningcities.editorial.actions import announce, step_taken

from .factories import draft_of, make_city, make_publisher, make_staff

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
    with pytest.raises(ValueError, match="Unknown editorial step: 'deleted'"):
        announce("deleted", quito, None)
