"""The admin's first page: for each person only what they may act on, each item linked to
where it is acted on. Their drafts, what is scheduled, recent changes by others, missing
translations and placeholder photos still to be replaced are here; what awaits their review
and their submissions come from cities.templatetags.review. Each section takes a fixed number
of queries, however much content there is.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from learningcities import editorial
from learningcities.editorial.permissions import changeable, may_change

from .activity import entries, history_rows
from .history import field_label
from .models import (
    City,
    Draft,
    DraftComment,
    DraftState,
    Photo,
    PublicationState,
    ReviewRequest,
    Status,
    change_permission,
    view_permission,
)
from .notifications import draft_comments_path, editing_path
from .translation_status import needing_translation, translated_admins

# How many items each section lists; the lists have the rest.
DASHBOARD_ITEMS = 10


@dataclass
class Item:
    """An item to act on: its name, its kind, where it is changed, and the date that matters
    (last changed, or public from)."""

    label: str
    kind: str
    url: str
    date: datetime | None = None


def change_url(obj):
    return editing_path(type(obj), obj.pk)


def lists(user, state):
    """The lists of the items in publication `state` that `user` may change: (name, url)."""
    return [
        (
            model._meta.verbose_name_plural,
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            + f"?publication={state}",
        )
        for model in editorial.models_with("publishable")
        if user.has_perm(change_permission(model))
    ]


def first_items(items, key, descending=False):
    """The first DASHBOARD_ITEMS of `items`, found per model, and whether there are more."""
    items = sorted(items, key=key, reverse=descending)
    return items[:DASHBOARD_ITEMS], len(items) > DASHBOARD_ITEMS


def my_drafts(user):
    """Drafts whose newest version is the user's, and the live items with unpublished changes
    the user saved last, the latest first: a query per model."""
    found = []
    for model in editorial.models_with("publishable"):
        newest = model.history.filter(id=OuterRef("pk")).order_by("-history_id")
        drafts = (
            changeable(model, user)
            .filter(status=Status.DRAFT)
            .annotate(
                last_author=Subquery(newest.values("history_user")[:1]),
                last_changed=Subquery(newest.values("history_date")[:1]),
            )
            .filter(last_author=user.pk)
            .order_by("-last_changed")
        )
        found += [
            Item(str(obj), model._meta.verbose_name, change_url(obj), obj.last_changed)
            for obj in drafts[: DASHBOARD_ITEMS + 1]
        ]
    for model in editorial.models_with("drafts"):
        mine = Draft.objects.of_model(model).open().filter(object_id=OuterRef("pk"))
        changed = (
            changeable(model, user)
            .annotate(
                draft_saved_by=Subquery(mine.values("updated_by")[:1]),
                draft_saved=Subquery(mine.values("updated_at")[:1]),
            )
            .filter(draft_saved_by=user.pk)
            .order_by("-draft_saved")
        )
        found += [
            Item(
                _("%(item)s, with unpublished changes") % {"item": obj},
                model._meta.verbose_name,
                change_url(obj),
                obj.draft_saved,
            )
            for obj in changed[: DASHBOARD_ITEMS + 1]
        ]
    return first_items(found, key=lambda item: item.date, descending=True)


def scheduled_publications(user):
    """Items published with a date still to come, and changes to live items scheduled for a
    time, that the user may change, soonest first: a query per kind."""
    found = []
    for model in editorial.models_with("publishable"):
        scheduled = changeable(model, user).scheduled().order_by("published_at", "pk")
        found += [
            Item(str(obj), model._meta.verbose_name, change_url(obj), obj.published_at)
            for obj in scheduled[: DASHBOARD_ITEMS + 1]
        ]
    # Scheduled changes to live items: one query, and one per kind of item among them.
    due = (
        Draft.objects.open()
        .filter(publish_at__isnull=False)
        .select_related("content_type")
        .prefetch_related("item")
        .order_by("publish_at", "pk")
    )
    found += [
        Item(
            _("Changes to %(item)s") % {"item": draft.item},
            draft.kind,
            change_url(draft.item),
            draft.publish_at,
        )
        for draft in due[: DASHBOARD_ITEMS + 1]
        if draft.item is not None and may_change(user, draft.item)
    ]
    return first_items(found, key=lambda item: item.date)


def open_comments(user):
    """Open comments on open drafts that concern the user: drafts they started or saved last,
    and comments they wrote; the newest first (a query, and one per kind of item)."""
    comments = (
        DraftComment.objects.filter(answer_to=None, resolved_at=None, draft__state=DraftState.OPEN)
        .filter(Q(draft__created_by=user) | Q(draft__updated_by=user) | Q(author=user))
        .select_related("author", "draft__content_type")
        .prefetch_related("draft__item")
        .order_by("-created_at", "-pk")[:DASHBOARD_ITEMS]
    )
    return [
        Item(
            label=_("%(item)s, %(field)s: “%(text)s” (%(person)s)")
            % {
                "item": comment.draft.item,
                "field": field_label(comment.draft.content_type.model_class(), comment.field),
                "text": Truncator(comment.text).words(12),
                "person": comment.author or _("someone"),
            },
            kind=comment.draft.content_type.model_class()._meta.verbose_name,
            url=f"{draft_comments_path(comment.draft)}#comment-{comment.pk}",
            date=comment.created_at,
        )
        for comment in comments
        if comment.draft.item is not None
    ]


def recent_changes_by_others(user):
    """The newest versions made by other people of the content the user may view (photo
    uploaders: of their own photos only), worded by the history."""
    # Versions saved by scripts and the seed name no person to ask about them.
    return recent_versions(
        user,
        lambda history: history.filter(history_user__isnull=False).exclude(history_user=user.pk),
    )


@dataclass
class MyChange:
    """A line of the sidebar's "my recent changes": the item, what the user did to it, when,
    and where to go from there."""

    item: str
    kind: str
    url: str
    description: str
    date: datetime


def my_recent_changes(user):
    """The newest things the user did: versions they made (published, changed, approved,
    restored), drafts they saved and submissions they made, newest first. The admin's own
    "my actions" log knows nothing of what the editorial steps save, and an editor without
    the right to publish makes drafts and submissions, not versions."""
    versions = [
        MyChange(
            entry.item, entry.kind, entry.url, entry.record.description, entry.record.history_date
        )
        for entry in recent_versions(user, lambda history: history.filter(history_user=user.pk))
    ]
    return sorted(
        versions + my_draft_saves(user) + my_submissions(user),
        key=lambda change: change.date,
        reverse=True,
    )[:DASHBOARD_ITEMS]


def my_draft_saves(user):
    """The newest drafts the user started or saved last, at their last save by the user: a
    query, and one per kind of item among them."""
    drafts = (
        Draft.objects.filter(Q(created_by=user) | Q(updated_by=user))
        .select_related("content_type")
        .prefetch_related("item")
        .order_by("-updated_at", "-pk")[:DASHBOARD_ITEMS]
    )
    return changes_to_items(
        user,
        drafts,
        _("changes saved as a draft"),
        lambda draft: draft.updated_at if draft.updated_by_id == user.pk else draft.created_at,
    )


def my_submissions(user):
    """The newest submissions for review the user made: a query, and one per kind of item
    among them."""
    submissions = (
        ReviewRequest.objects.filter(submitted_by=user)
        .select_related("content_type")
        .prefetch_related("item")
        .order_by("-submitted_at", "-pk")[:DASHBOARD_ITEMS]
    )
    return changes_to_items(
        user, submissions, _("submitted for review"), lambda submission: submission.submitted_at
    )


def changes_to_items(user, rows, what, date_of):
    """A line of "My recent changes" for each row (a draft, a submission) about an item that
    still exists and that `user` may see."""
    return [
        MyChange(str(row.item), row.kind, change_url(row.item), what, date_of(row))
        for row in rows
        if row.item is not None and user.has_perm(view_permission(type(row.item)))
    ]


def recent_versions(user, chosen):
    """The newest DASHBOARD_ITEMS versions, `chosen(history)` of each kind's history, of the
    content the user may view, worded: a query, and one per kind among them."""
    histories = {
        registration.model: chosen(registration.history_for(user))
        for registration in editorial.registered("history")
        if user.has_perm(view_permission(registration.model))
    }
    return entries(history_rows(histories)[:DASHBOARD_ITEMS])


def missing_translation_count(request):
    """How many items the user may change lack a translation or have one possibly out of
    date; None if they may change no translated content."""
    admins = [a for a in translated_admins(admin.site) if a.has_change_permission(request)]
    if not admins:
        return None
    return sum(needing_translation(request, model_admin).count() for model_admin in admins)


def placeholder_covers(user):
    """Cities whose cover is still a seed placeholder, for those who may replace that photo
    (on its form), and whether there are more."""
    placeholders = changeable(Photo, user).filter(is_placeholder=True)
    cities = (
        City.objects.filter(cover_photo__in=placeholders)
        .select_related("cover_photo")
        .order_by("name")
    )
    found = list(cities[: DASHBOARD_ITEMS + 1])
    return found[:DASHBOARD_ITEMS], len(found) > DASHBOARD_ITEMS


def dashboard(request):
    """Everything the first page shows the user, by section."""
    user = request.user
    drafts, more_drafts = my_drafts(user)
    scheduled, more_scheduled = scheduled_publications(user)
    placeholders, more_placeholders = placeholder_covers(user)
    return {
        "drafts": drafts,
        "draft_lists": lists(user, PublicationState.DRAFT) if more_drafts else [],
        "scheduled": scheduled,
        "scheduled_lists": lists(user, PublicationState.SCHEDULED) if more_scheduled else [],
        "recent_changes": recent_changes_by_others(user),
        "open_comments": open_comments(user),
        "missing_translations": missing_translation_count(request),
        "placeholders": placeholders,
        "more_placeholders": more_placeholders,
    }
