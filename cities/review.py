"""Review before publishing: submit, approve (now or at a chosen time) or reject.

Publishing is a right of its own (`PUBLISH_PERMISSION`, the "Publishers" group). Those without
it submit an item for review; a publisher approves it, which publishes it, or rejects it with
a comment for its author, who may change it and submit it again. Each step is kept in a
`ReviewRequest` row (who and when; the approval is also a version in the item's history);
reviewers are mailed on a submission, the author on the decision (cities.notifications).
"""

import operator
from functools import reduce

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcities.editorial.actions import announce
from learningcities.editorial.permissions import check, may_publish
from learningcities.editorial.versions import newest_version_id

from . import drafts
from .history import APPROVED
from .models import (
    DraftState,
    Publishable,
    ReviewRequest,
    ReviewState,
    Status,
)
from .notifications import editing_address, queue_mail, site_address


class ReviewError(Exception):
    """A step that cannot be taken now; the message says why, for the person who tried."""


class ItemChanged(ReviewError):
    """The item was saved again since the version the publisher reviewed."""


def publishers():
    """Everyone who may approve: the active users holding the right, directly, through a
    group, or as superusers."""
    permission = Q(user_permissions__codename="publish_content") | Q(
        groups__permissions__codename="publish_content"
    )
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(permission | Q(is_superuser=True)).distinct()


def reviewed_version(review, item):
    """What a publisher approves: the draft's revision for changes to a published item, else
    the item's newest history record."""
    if review.draft_id:
        return review.draft.revision
    return newest_version_id(item)


def submit(item, user, draft=None):
    """Queue `item` for review by `user`, or with `draft` the draft of its changes (for an
    item the public sees); the publishers are told by mail."""
    if draft is None and getattr(item, "status", Status.PUBLISHED) == Status.PUBLISHED:
        raise ReviewError(_("It is already published: there is nothing to approve."))
    if ReviewRequest.objects.of(item).awaiting().exists():
        raise ReviewError(_("It is already awaiting review."))
    with transaction.atomic(using=router.db_for_write(ReviewRequest)):
        review = ReviewRequest.objects.create(
            item=item,
            version_id=newest_version_id(item),
            submitted_by=user,
            draft=draft,
            draft_revision=draft and draft.revision,
        )
        queue_mail(
            publishers().exclude(pk=user.pk),
            gettext_lazy("Awaiting your review: %(item)s"),
            "cities/email/submitted.txt",
            {"review": review, "item": item, **addresses(review)},
        )
        announce("submitted", item, user, draft=draft, submission=review)
    return review


def approve(review_id, user, version_id, publish_at=None):
    """Publish the item of an open review, at `publish_at` or now. `version_id` is the
    version the publisher looked at (`reviewed_version`): if the item, or the draft under
    review, changed since, nothing is published (`ItemChanged`). Two publishers approving at
    once publish once: the second finds the review decided (`ReviewError`)."""
    return _decide(review_id, user, ReviewState.APPROVED, "", version_id, publish_at)


def reject(review_id, user, comment):
    if not comment.strip():
        raise ReviewError(_("Say what the author should change."))
    return _decide(review_id, user, ReviewState.REJECTED, comment.strip(), None, None)


def _decide(review_id, user, state, comment, version_id, publish_at):
    if not may_publish(user):
        raise PermissionDenied
    with transaction.atomic(using=router.db_for_write(ReviewRequest)):
        review = ReviewRequest.objects.select_related("content_type").get(pk=review_id)
        model = review.content_type.model_class()
        # The item locked first, so that no save slips in between the checks and the update.
        item = model._default_manager.select_for_update().get(pk=review.object_id)
        # Deciding publishes (or keeps unpublished) this item: it needs the right to change it.
        check(user, "publish", item)
        review.refresh_from_db()
        if review.state != ReviewState.SUBMITTED:
            raise already_decided(review)
        if state == ReviewState.APPROVED and reviewed_version(review, item) != version_id:
            raise ItemChanged(_("It was changed after you opened it: look at it again."))
        # And decided once even without the lock: the second of two updates changes nothing.
        if not ReviewRequest.objects.filter(pk=review.pk, state=ReviewState.SUBMITTED).update(
            state=state, reviewer=user, decided_at=timezone.now(), comment=comment
        ):
            review.refresh_from_db()
            raise already_decided(review)
        review.refresh_from_db()
        if state == ReviewState.APPROVED and review.draft_id:
            # The draft goes public as a save of its form by the publisher, now or later.
            try:
                if publish_at:
                    drafts.schedule(review.draft_id, user, publish_at, expected_revision=version_id)
                else:
                    drafts.publish(review.draft_id, user, expected_revision=version_id)
            except drafts.DraftError as refusal:
                raise ReviewError(str(refusal)) from refusal
        elif state == ReviewState.APPROVED:
            # One published meanwhile (by a publisher's own save) keeps its date unless a
            # new one is chosen.
            if publish_at or item.status != Status.PUBLISHED:
                item.published_at = publish_at or timezone.now()
            item.status = Status.PUBLISHED
            item._change_reason = APPROVED
            item.save()
        tell_author(review, item)
        step = "approved" if state == ReviewState.APPROVED else "rejected"
        announce(step, item, user, draft=review.draft, submission=review)
    return review


def close_when_published(items, user):
    """Close the open submissions of those `items` that a publisher has just published
    directly (saved as published, or with the list's "publish now"), as approved by that
    publisher now: the queue no longer holds them, and their authors are told as of an
    approval. Called in the transaction of the save."""
    published = {
        (ContentType.objects.get_for_model(item).pk, item.pk): item
        for item in items
        if isinstance(item, Publishable) and item.status == Status.PUBLISHED
    }
    if not published or not may_publish(user):
        return
    named = reduce(
        operator.or_,
        (Q(content_type=type_id, object_id=pk) for type_id, pk in published),
    )
    # A submitted draft of changes is approved so only once it is published (a publisher's
    # save of the form that showed it); a save that left it open leaves its review too.
    awaiting = ReviewRequest.objects.awaiting().filter(named)
    for review in awaiting.exclude(draft__state=DraftState.OPEN):
        approve_as_published(review, published[review.content_type_id, review.object_id], user)


def close_with_draft(draft, user):
    """Approve the open submission of `draft`, which `user` (a publisher) has just published
    from the item's form."""
    for review in ReviewRequest.objects.awaiting().filter(draft=draft):
        approve_as_published(review, draft.item, user)


def approve_as_published(review, item, user):
    """Record `review` approved by `user` now, who published its `item` themselves, and tell
    its author; decided once, even if another publisher approves it at this very moment."""
    if ReviewRequest.objects.filter(pk=review.pk, state=ReviewState.SUBMITTED).update(
        state=ReviewState.APPROVED, reviewer=user, decided_at=timezone.now()
    ):
        review.refresh_from_db()
        tell_author(review, item)


def tell_author(review, item):
    """Mail the author of `review` the decision on it."""
    if not (review.submitted_by and review.submitted_by.email):
        return
    if review.state == ReviewState.APPROVED:
        subject, template = gettext_lazy("Approved: %(item)s"), "cities/email/approved.txt"
    else:
        subject, template = gettext_lazy("Not approved: %(item)s"), "cities/email/rejected.txt"
    context = {"review": review, "item": item, **addresses(review)}
    queue_mail([review.submitted_by], subject, template, context)


def addresses(review):
    """The addresses a review's mails name: its page, and the item's form."""
    return {
        "review_url": site_address(reverse("admin:cities_reviewrequest_review", args=[review.pk])),
        "item_url": editing_address(review.content_type.model_class(), review.object_id),
    }


def already_decided(review):
    return ReviewError(
        _("It was already %(state)s by %(reviewer)s.")
        % {"state": review.get_state_display(), "reviewer": review.reviewer}
    )
