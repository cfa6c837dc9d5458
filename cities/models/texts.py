"""Texts of the overview that editors maintain."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..rich_text import RichTextField


class SiteText(models.Model):
    """Texts of the overview page that editors maintain, looked up by key."""

    class Key(models.TextChoices):
        DEFINITION_INTRO = "definition_intro", _("Overview: introduction to the definition")
        BENEFITS = "benefits", _("Overview: benefits of learning cities")
        LEARN_MORE_INTRO = "learn_more_intro", _("Overview: introduction to “Learn more”")

    key = models.CharField(_("place"), max_length=40, choices=Key.choices, unique=True)
    text = RichTextField(_("text"), max_text_length=2000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("site text")
        verbose_name_plural = _("site texts")

    def __str__(self):
        return self.get_key_display()

    def get_absolute_url(self):
        return reverse("cities:overview")


class ResourceLink(models.Model):
    """A link in the overview's “Learn more” list."""

    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("“Learn more” link")
        verbose_name_plural = _("“Learn more” links")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cities:overview")
