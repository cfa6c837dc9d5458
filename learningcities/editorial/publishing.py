"""Publishing: the one rule for what the public sees (status, publication date), and
who else may see an item."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class PublicationState(models.TextChoices):
    """What the public sees of an item now: its status, with "published" split by date."""

    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class PublishableQuerySet(models.QuerySet):
    """The one place that decides what the public may see.

    Published means status "published" and a publication date-time that has passed, so
    scheduled items appear on their own, without any background job. An item published
    without a date (e.g. by a bulk update) counts as published at once.
    """

    def published(self, at=None):
        at = at or timezone.now()
        return self.filter(
            Q(published_at__isnull=True) | Q(published_at__lte=at), status=Status.PUBLISHED
        )

    def scheduled(self, at=None):
        return self.filter(status=Status.PUBLISHED, published_at__gt=at or timezone.now())

    def in_state(self, state):
        if state == PublicationState.PUBLISHED:
            return self.published()
        if state == PublicationState.SCHEDULED:
            return self.scheduled()
        return self.filter(status=state)

    def visible_to(self, user):
        """Everything for people who may view it in the admin, else what is published."""
        return self.shown(user=user)

    def shown(self, user=None, at=None):
        """What a page may show: what is published at `at` (now by default), and everything
        for a `user` who may view it in the admin (staff see drafts, marked as such)."""
        if user is not None and user.has_perm(view_permission(self.model)):
            return self.all()
        return self.published(at)


def view_permission(model):
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def change_permission(model):
    return f"{model._meta.app_label}.change_{model._meta.model_name}"


class Publishable(models.Model):
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "Only published items are shown to the public, from their publication date on. "
            "Archived items are kept but no longer shown."
        ),
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When a published item becomes public. Leave empty to publish at once; "
            "a date in the future schedules it."
        ),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Record when an item went public, so the admin shows it and a later re-publish
        # does not move it.
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    def is_public_at(self, at):
        """The single-object twin of `PublishableQuerySet.published(at)`."""
        return self.status == Status.PUBLISHED and (
            self.published_at is None or self.published_at <= at
        )

    @property
    def is_published(self):
        return self.is_public_at(timezone.now())

    @property
    def publication_state(self):
        """The single-object twin of `PublishableQuerySet.in_state`."""
        if self.status != Status.PUBLISHED:
            return PublicationState(self.status)
        if self.is_published:
            return PublicationState.PUBLISHED
        return PublicationState.SCHEDULED

    def is_visible_to(self, user):
        """The single-object twin of `PublishableQuerySet.visible_to`."""
        return self.is_shown(user=user)

    def is_shown(self, user=None, at=None):
        """The single-object twin of `PublishableQuerySet.shown`: it also decides whether a
        page may name this item through a relation (a cover, a successor), so that nothing
        a visitor may not open is named to them."""
        return self.is_public_at(at or timezone.now()) or (
            user is not None and user.has_perm(view_permission(type(self)))
        )


def shown_or_none(item, user=None, at=None):
    """`item` (a related Publishable, or None) if a page may show it, else None."""
    return item if item is not None and item.is_shown(user, at) else None
