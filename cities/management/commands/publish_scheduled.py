from django.core.management.base import BaseCommand

from cities.scheduling import publish_scheduled


class Command(BaseCommand):
    help = (
        "Publish whatever is scheduled and due: what the background worker does at each "
        "moment, for cron, should the worker have been down. Running it again does nothing."
    )

    def handle(self, *args, **options):
        published = publish_scheduled()
        self.stdout.write(f"Published {published} scheduled draft(s).")
