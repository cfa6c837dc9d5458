"""The counter that keys the public page cache."""

from datetime import UTC

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcities import editorial

# Modules, not names: the photos module bumps this version, and this one looks up what
# they schedule, so each reads the other's names only when called.
from . import drafts, photos


class ContentVersion(models.Model):
    """A counter bumped by every content change, shared by all server processes.

    Cached public pages are keyed by it; it lives in the database rather than the cache so
    that a per-process cache (local memory, the default) still invalidates across workers.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    # A scheduled item goes public without any save; the version is bumped when it is due.
    next_publication_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.version)

    @classmethod
    def current(cls):
        """The counter, read with one plain query: every cached page served starts here,
        and building the query with the ORM would cost far more than running it."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT version, changed_at, next_publication_at FROM {table} WHERE id = 1"
            )
            row = cursor.fetchone()
        if row is None:
            version, _created = cls.objects.get_or_create(
                pk=1, defaults={"next_publication_at": next_scheduled_publication}
            )
        else:
            # SQLite hands back naive date-times (in UTC); PostgreSQL aware ones.
            changed_at, next_publication_at = (
                moment
                if moment is None or timezone.is_aware(moment)
                else timezone.make_aware(moment, UTC)
                for moment in row[1:]
            )
            version = cls(
                pk=1, version=row[0], changed_at=changed_at, next_publication_at=next_publication_at
            )
        if version.next_publication_at and version.next_publication_at <= timezone.now():
            # Imported here: publishing a draft posts its admin form, which needs the models.
            from ..drafts import publish_due

            publish_due()
            photos.move_photo_files_to_match_publication()
            cls.bump()
            version.refresh_from_db()
        return version

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
