from django.core.management.base import BaseCommand

from learningcities.backup import write_backup


class Command(BaseCommand):
    help = "Write the database content and all media files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of the archive to write, e.g. backup.tar.gz.")

    def handle(self, *args, archive, **options):
        manifest = write_backup(archive)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {archive}: the database and {len(manifest['media'])} media file(s)."
            )
        )
