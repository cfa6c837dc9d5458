"""When each language of a translated text was last written, so that a translation written
before the other language last changed is known to be possibly out of date
(cities.stale_translations holds the rules)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .items import AboutAnItem, AboutAnItemQuerySet


class TranslationStamp(AboutAnItem):
    """One language of one translated field of one item: when its text was last written and,
    if the field's other language changed since (and this one was not brought up to date),
    when and by whom: this text is then possibly out of date."""

    field = models.CharField(_("field"), max_length=50)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # None: written before stamps were kept.
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    # Left as it was, and confirmed as still right by `written_by` at `written_at`.
    confirmed = models.BooleanField(_("confirmed as still right"), default=False)
    outdated_at = models.DateTimeField(_("other language changed at"), null=True, blank=True)
    outdated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other language changed by"),
    )
    outdated_by_language = models.CharField(
        _("language changed"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    objects = AboutAnItemQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "object_id", "field", "language"]
        verbose_name = _("translation stamp")
        verbose_name_plural = _("translation stamps")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"],
                name="one_stamp_per_text_and_language",
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} {self.field} [{self.language}]"

    def get_absolute_url(self):
        """The page of the item the text belongs to."""
        return self.item.get_absolute_url() if self.item is not None else ""
