from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from cities import kept_uploads


class Command(BaseCommand):
    help = (
        "Remove the photos kept for refused forms that their uploaders abandoned: those older "
        "than KEPT_UPLOAD_MAX_AGE_HOURS. Run it regularly, e.g. hourly by cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="HOURS",
            help="Remove those older than this many hours instead (0: all of them).",
        )

    def handle(self, *args, older_than, **options):
        expired = kept_uploads.expired_names(older_than)
        for name in expired:
            default_storage.delete(name)
            self.stdout.write(f"deleted: {name}")
        self.stdout.write(self.style.SUCCESS(f"Deleted {len(expired)} abandoned kept upload(s)."))
