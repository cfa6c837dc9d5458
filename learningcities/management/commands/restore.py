from django.core.management.base import BaseCommand, CommandError

from learningcities.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Load an archive written by `backup` into an empty installation (a new database "
        "after `migrate`, and empty media storage). Nothing is changed if it fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of the archive written by `backup`.")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {archive} (made {manifest['created']}): the database and "
                f"{len(manifest['media'])} media file(s)."
            )
        )
