import datetime

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone

from learningcities.storage import media_names


def referenced_media_names():
    """Every media file some row refers to: the values of all file fields, plus what a model
    lists in its optional `extra_media_names()` class method (e.g. generated renditions)."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(model._base_manager.values_list(field.name, flat=True))
        if hasattr(model, "extra_media_names"):
            names.update(model.extra_media_names())
    names.discard("")
    names.discard(None)
    return names


class Command(BaseCommand):
    help = (
        "List media files that no row refers to (left by a crash or a failed save); "
        "with --delete, remove them. Recent files are left alone: they may belong to a save "
        "in progress."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Delete the orphans (default: only list them)."
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only files older than this many minutes count as orphans (default: 60).",
        )

    def handle(self, *args, delete, min_age, **options):
        # Listed before the rows are read, so a file saved meanwhile is never taken for an
        # orphan: its row, if any, is committed by the time the rows are read.
        stored = list(media_names())
        referenced = referenced_media_names()
        cutoff = timezone.now() - datetime.timedelta(minutes=min_age)
        orphans = [
            name
            for name in stored
            if name not in referenced and default_storage.get_modified_time(name) < cutoff
        ]
        for name in orphans:
            if delete:
                default_storage.delete(name)
            self.stdout.write(f"{'deleted' if delete else 'orphan'}: {name}")
        if delete:
            summary = f"Deleted {len(orphans)} orphaned media file(s)."
        else:
            summary = (
                f"{len(orphans)} orphaned media file(s) found; nothing deleted "
                "(run with --delete to remove them)."
            )
        self.stdout.write(self.style.SUCCESS(summary))
