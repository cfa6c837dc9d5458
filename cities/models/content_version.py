"""The counter that keys the public page cache."""

from datetime import UTC

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcities import editorial

# The module, not its names: the drafts module's models are defined after this one's.
from . import drafts


class ContentVersion(models.Model):
    """A counter bumped by every content change, shared by all server processes.

    Cached public pages are keyed by it; it lives in the database rather than the cache so
    that a per-process cache (local memory, the default) still invalidates across workers.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    # A scheduled item goes public without any save: the task that runs at its time bumps the
    # version if this moment has passed (`bump_if_due`).
    next_publication_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.version)

    @classmethod
    def current(cls):
        """The counter, read with one plain query: every cached page served starts here,
        and building the query with the ORM would cost far more than running it. Only read:
        what comes due is published by a background task (cities.scheduling), not here."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version, changed_at FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        if row is None:
            version, _created = cls.objects.get_or_create(
                pk=1, defaults={"next_publication_at": next_scheduled_publication}
            )
            return version
        version, changed_at = row
        # SQLite hands back naive date-times (in UTC); PostgreSQL aware ones.
        if timezone.is_naive(changed_at):
            changed_at = timezone.make_aware(changed_at, UTC)
        return cls(pk=1, version=version, changed_at=changed_at)

    @classmethod
    def bump(cls):
        # Looked up on writes, so that serving a cached page costs no extra query.
        next_publication_at = next_scheduled_publication()
        # update() sends no signals, so bumping cannot itself trigger another bump.
        if not cls.objects.filter(pk=1).update(
            version=models.F("version") + 1,
            changed_at=timezone.now(),
            next_publication_at=next_publication_at,
        ):
            cls.objects.get_or_create(pk=1, defaults={"next_publication_at": next_publication_at})

    @classmethod
    def bump_if_due(cls):
        """Bump the counter if something scheduled went public by itself since the last bump
        (a city, program or photo whose publication time passed). Whether it did is decided
        in the update itself, so that of several runs at once only one bumps."""
        now = timezone.now()
        return bool(
            cls.objects.filter(pk=1, next_publication_at__lte=now).update(
                version=models.F("version") + 1,
                changed_at=now,
                next_publication_at=next_scheduled_publication(),
            )
        )

    @classmethod
    def reschedule(cls):
        """Only the next moment something is due changed (a draft was scheduled): the cached
        pages stay valid."""
        next_publication_at = next_scheduled_publication()
        if not cls.objects.filter(pk=1).update(next_publication_at=next_publication_at):
            cls.objects.get_or_create(pk=1, defaults={"next_publication_at": next_publication_at})


def next_scheduled_publication():
    """When the first scheduled item (of any publishable kind registered with the editorial
    engine) or draft of changes goes public (None: nothing is due)."""
    moments = [
        model._default_manager.scheduled().order_by().values_list("published_at", flat=True)
        for model in editorial.models_with("publishable")
    ]
    moments.append(
        drafts.Draft.objects.open()
        .filter(publish_at__isnull=False)
        .order_by()
        .values_list("publish_at", flat=True)
    )
    return moments[0].union(*moments[1:]).order_by("published_at").first()
