"""Who has which item's change form open (the admin's editing notices)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def item_of(obj):
    """How an editing session names its item."""
    return {"content_type": ContentType.objects.get_for_model(obj), "object_id": str(obj.pk)}


class EditingSessionQuerySet(models.QuerySet):
    def of(self, obj):
        return self.filter(**item_of(obj))

    def current(self):
        """Forms still open: their page has said so within the window."""
        return self.filter(last_seen_at__gte=timezone.now() - EditingSession.WINDOW)


class EditingSession(models.Model):
    """Someone has an item's admin form open, named in a notice to anyone else who opens it.

    In the database rather than the cache, so that every server process sees the same people
    even with the per-process local-memory cache. Not content: saving one changes no public
    page (see `CitiesConfig.ready`) and keeps no history.
    """

    # An open form says "still here" every 15 seconds; a browser slows the timers of a tab in
    # the background (to once a minute in Chromium), so a form is gone only after 90 seconds
    # of silence, or at once when its page is closed.
    WINDOW = timedelta(seconds=90)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="editing_sessions",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("item id"), max_length=255)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)

    objects = EditingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="one_editing_session_per_item"
            )
        ]
        verbose_name = _("editing session")
        verbose_name_plural = _("editing sessions")
        # Bookkeeping of the admin itself, which no one is given rights over.
        default_permissions = ()

    def __str__(self):
        return f"{self.user}: {self.content_type} {self.object_id}"

    @classmethod
    def still_here(cls, user, obj):
        """Record that `user` has `obj`'s form open; the start is kept while they stay.

        One UPDATE for a form already known, as its polls are most of the writes."""
        now = timezone.now()
        if cls.objects.of(obj).current().filter(user=user).update(last_seen_at=now):
            return
        # Rows pile up only by being created, so pruning here is enough; the index makes it
        # cheap. A stale row of this same user goes too, so that its start is not kept.
        cls.objects.filter(last_seen_at__lt=now - cls.WINDOW).delete()
        cls.objects.get_or_create(
            user=user, **item_of(obj), defaults={"opened_at": now, "last_seen_at": now}
        )

    @classmethod
    def left(cls, user, obj):
        cls.objects.of(obj).filter(user=user).delete()

    @classmethod
    def others_on(cls, obj, user):
        """Who else has `obj`'s form open, the first to open it first."""
        return cls.objects.of(obj).current().exclude(user=user).select_related("user")

    @property
    def editor_name(self):
        full_name = self.user.get_full_name()
        return f"{full_name} ({self.user.username})" if full_name else self.user.username
