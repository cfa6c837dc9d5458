"""Review before publishing: a submission of an item, and the decision on it.

Each submission is a row of its own and is never overwritten by the next one, so the rows
of an item are the history of its reviews (who submitted, who decided, when, and why it was
refused). The item is named generically, with the version of it that was submitted (its
history record's id), or the draft of its changes when it is published (cities.drafts).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .items import AboutAnItem, AboutAnItemQuerySet


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    # Approved for later, then the draft was saved again: the approval no longer holds.
    WITHDRAWN = "withdrawn", _("withdrawn")


class ReviewRequestQuerySet(AboutAnItemQuerySet):
    def awaiting(self):
        return self.filter(state=ReviewState.SUBMITTED)

    def latest_per_item(self):
        """Each item's newest submission only."""
        newer = ReviewRequest.objects.filter(
            content_type=models.OuterRef("content_type"),
            object_id=models.OuterRef("object_id"),
            pk__gt=models.OuterRef("pk"),
        )
        return self.exclude(models.Exists(newer))


class ReviewRequest(AboutAnItem):
    # The item's newest history record when it was submitted: the version under review.
    version_id = models.PositiveBigIntegerField(_("version submitted"), null=True, blank=True)
    # For a published item, the draft of its changes under review, and the draft's revision.
    draft = models.ForeignKey(
        "cities.Draft",
        verbose_name=_("draft changes"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    draft_revision = models.PositiveIntegerField(_("draft revision"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.SUBMITTED,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_requests",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(
        _("comment"),
        blank=True,
        help_text=_("Why it is rejected: the author reads it on the item's form."),
    )

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        default_permissions = ()
        permissions = [
            ("publish_content", _("Can publish content and approve or reject submissions"))
        ]
        constraints = [
            # One open submission per item: a second "submit" cannot queue it twice.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state="submitted"),
                name="one_open_review_per_item",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.item or '—'} ({self.get_state_display()})"


class OutgoingMail(models.Model):
    """A notification to send, kept until the mail server took it (cities.notifications).

    Written in the transaction of the change it reports, so that it exists exactly when the
    change does, and sent after the commit; a failed attempt leaves it here to be tried again.
    """

    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Not tried before this moment: a later retry, or the claim of a sender at work on it.
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class LanguagePreference(models.Model):
    """The language a person last logged in to the admin in (the one their browser asked
    for): their notification mail is written in it, whoever's action sent it."""

    # Not the primary key: backups name users by their username (natural keys), never by id.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("user"))
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        help_text=_("The language of the mail this person gets from the site."),
    )

    class Meta:
        ordering = ["user"]
        # Kept by the site itself (see cities.signals.remember_language): no one edits it.
        default_permissions = ()
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self):
        return f"{self.user}: {self.get_language_display()}"

    @classmethod
    def languages_of(cls, users):
        """{user id: language} of `users`; the site's default language for those without."""
        chosen = dict(
            cls.objects.filter(user__in=[user.pk for user in users]).values_list("user", "language")
        )
        return {user.pk: chosen.get(user.pk, settings.LANGUAGE_CODE) for user in users}
