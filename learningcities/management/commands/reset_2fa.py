from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp import devices_for_user

from learningcities.two_factor import end_sessions, enrolment_code_message


class Command(BaseCommand):
    help = (
        "Remove a person's second factor (authenticator app and recovery codes), e.g. after a "
        "lost phone. Their sessions end at once; at their next login they set up a new app "
        "with the enrolment code printed here (also the way to a new code for someone who has "
        "not enrolled yet)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, username, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        sessions = end_sessions(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {len(devices)} second-factor device(s) of {username} and ended "
                f"{sessions} session(s); they will set up a new authenticator app at their "
                "next login."
            )
        )
        self.stdout.write(enrolment_code_message(user))
