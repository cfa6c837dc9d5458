from django.core.management.base import BaseCommand

from cities.notifications import send_pending


class Command(BaseCommand):
    help = (
        "Send the notification mails still waiting in the outbox (the mail server was down or "
        "slow). Run it every few minutes, e.g. by cron."
    )

    def handle(self, *args, **options):
        sent, failed = send_pending()
        self.stdout.write(f"Sent {sent} mail(s); {failed} failed and wait for the next try.")
        if failed:
            self.stderr.write("See the log for why; they are kept and tried again later.")
