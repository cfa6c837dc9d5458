"""Links to a draft's preview for people without an account (a city's focal point, say): made
by a publisher, valid for some days, revocable; every opening is logged, and whoever has the
link may leave a comment that reaches the review (cities.preview_links holds the rules)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .drafts import Draft, DraftState

# How long a new link works, unless its maker chooses otherwise.
DEFAULT_VALIDITY = timedelta(days=7)
# A link is its id, signed with the site's secret key: unguessable, and nothing secret is kept
# in the database.
SALT = "cities.preview-link"


class PreviewLinkQuerySet(models.QuerySet):
    def working(self, at=None):
        """Links that open their preview now: not revoked, not expired, their draft open."""
        return self.filter(
            revoked_at__isnull=True,
            expires_at__gt=at or timezone.now(),
            draft__state=DraftState.OPEN,
        )


class PreviewLink(models.Model):
    draft = models.ForeignKey(
        Draft, models.CASCADE, related_name="preview_links", verbose_name=_("draft")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        default_permissions = ()

    def __str__(self):
        return _("Preview link of %(draft)s") % {"draft": self.draft}

    def get_absolute_url(self):
        """The shared page, in the language the draft was typed in (a change to the Spanish
        text alone would show nothing new on the English page)."""
        with translation.override(self.draft.language):
            return reverse("cities:shared_preview", args=[self.token])

    @property
    def token(self):
        # Without a timestamp: the same link is the same address each time it is shown.
        return signing.Signer(salt=SALT).sign(str(self.pk))

    @classmethod
    def id_in(cls, token):
        """The link id a token names, or None if it is not one the site signed."""
        try:
            return int(signing.Signer(salt=SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None

    def is_working(self, at=None):
        return (
            self.revoked_at is None
            and self.expires_at > (at or timezone.now())
            and self.draft.state == DraftState.OPEN
        )


class PreviewOpening(models.Model):
    """One opening of a preview link: when (nothing is kept of who: they have no account)."""

    link = models.ForeignKey(
        PreviewLink, models.CASCADE, related_name="openings", verbose_name=_("link")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("opening of a preview link")
        verbose_name_plural = _("openings of preview links")
        default_permissions = ()

    def __str__(self):
        return f"{self.link} ({self.opened_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return self.link.get_absolute_url()


class PreviewComment(models.Model):
    """A comment left on a draft's preview by someone holding a link to it."""

    link = models.ForeignKey(
        PreviewLink, models.CASCADE, related_name="comments", verbose_name=_("link")
    )
    name = models.CharField(_("name"), max_length=100)
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a preview")
        verbose_name_plural = _("comments on previews")
        default_permissions = ()

    def __str__(self):
        return _("%(name)s on %(draft)s") % {"name": self.name, "draft": self.link.draft}

    def get_absolute_url(self):
        return self.link.get_absolute_url()
