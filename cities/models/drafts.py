"""Draft changes to live content: a change prepared in the admin while the public keeps
seeing the item as it is, until someone publishes the change (now or at a chosen time) or
discards it (cities.drafts holds the rules)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .items import AboutAnItem, AboutAnItemQuerySet


class DraftState(models.TextChoices):
    OPEN = "open", _("unpublished changes")
    PUBLISHED = "published", _("published")
    DISCARDED = "discarded", _("discarded")


class DraftQuerySet(AboutAnItemQuerySet):
    def open(self):
        return self.filter(state=DraftState.OPEN)

    def due(self, at=None):
        return self.open().filter(publish_at__lte=at or timezone.now())


class Draft(AboutAnItem):
    """The changes of one item's change form, kept as its content forms read them (its
    fields, and its rows for a city: cities.content_forms), so that publishing checks and
    saves them with those forms, as a save from the form would have.

    A row is never deleted when the draft ends: it is marked published or discarded, with
    who and when, so that an item's drafts are part of its history.
    """

    # The posted form: {field name: [values]}, without files, buttons or the CSRF token.
    data = models.JSONField(_("changes"), default=dict)
    # The language of the admin it was typed in, whose formats its dates and numbers follow.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    # Counts the saves of this draft: a save over a newer one than the editor opened is
    # refused, as saves of the item itself are (cities.edit_conflicts).
    revision = models.PositiveIntegerField(_("revision"), default=1)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=DraftState.choices,
        default=DraftState.OPEN,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    publish_at = models.DateTimeField(
        _("to be published at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the changes go public by themselves; empty: when someone publishes."),
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The revision its scheduler (or approver) saw: no other is published at the time.
    scheduled_revision = models.PositiveIntegerField(_("revision scheduled"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published or discarded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("published or discarded"), null=True, blank=True)
    # A name its editors give it ("ready for the mayor's office"), shown wherever it is listed.
    name = models.CharField(_("name"), max_length=100, blank=True)
    # Why a scheduled publication could not be made (the form refused the changes by then).
    problem = models.TextField(_("problem"), blank=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("draft change")
        verbose_name_plural = _("draft changes")
        default_permissions = ()
        constraints = [
            # One draft per item, shared by its editors (as the item itself is).
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state="open"),
                name="one_open_draft_per_item",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        named = f" “{self.name}”" if self.name else ""
        return f"{self.item or '—'}{named} ({self.get_state_display()})"

    def get_absolute_url(self):
        """The public page with the changes (its preview), in the language they were typed
        in: a change to the Spanish text only would show nothing new on the English page."""
        with translation.override(self.language):
            return reverse("cities:draft_preview", args=[self.pk])


class DraftComment(models.Model):
    """A comment on one field of a draft, or on a passage of its text (`quote`), and the
    answers to it; resolved by the author or a reviewer. Kept with its draft when the draft
    ends: part of the draft's history (cities.draft_comments holds the rules)."""

    draft = models.ForeignKey(
        Draft, models.CASCADE, related_name="comments", verbose_name=_("draft")
    )
    # The field's column, in its language ("narrative_es").
    field = models.CharField(_("field"), max_length=100)
    quote = models.TextField(_("passage"), max_length=500, blank=True)
    text = models.TextField(_("comment"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    answer_to = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("answer to"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a draft")
        verbose_name_plural = _("comments on drafts")
        default_permissions = ()

    def __str__(self):
        return _("%(person)s on %(draft)s") % {"person": self.author or "—", "draft": self.draft}

    def get_absolute_url(self):
        """The draft's preview: what the comment is about, as it will be published."""
        return self.draft.get_absolute_url()
