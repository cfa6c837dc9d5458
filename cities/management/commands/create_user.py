import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from learningcities.two_factor import enrolment_code_message, second_factor_required

PASSWORD_VARIABLE = "DJANGO_USER_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff user in one or more groups, non-interactively (for set-up scripts). "
        f"The password is read from the {PASSWORD_VARIABLE} environment variable and must "
        "pass the site's password rules. Rights come from the groups, e.g. --group Editors. "
        "With two-factor login required, it prints the enrolment code the person needs to set "
        "up their authenticator app at their first login."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--group",
            action="append",
            default=[],
            dest="groups",
            help="A group to put the user in (repeatable), e.g. Editors or 'Photo uploaders'.",
        )
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Give every right (for the first administrator), instead of groups only.",
        )

    @transaction.atomic
    def handle(self, username, email, groups, superuser, **options):
        User = get_user_model()
        if not groups and not superuser:
            raise CommandError("Give at least one --group, or --superuser.")
        # Without regard to case, as in the admin: "Editor" beside "editor" is one too many.
        existing = User._default_manager.filter(username__iexact=username).first()
        if existing is not None:
            raise CommandError(
                f"A user named {existing.username!r} already exists; usernames that differ "
                "only in case are refused."
            )
        found = {group.name: group for group in Group.objects.filter(name__in=groups)}
        missing = [name for name in groups if name not in found]
        if missing:
            existing = ", ".join(Group.objects.order_by("name").values_list("name", flat=True))
            raise CommandError(
                f"No group named {', '.join(map(repr, missing))}. "
                f"Existing groups: {existing or 'none'}."
            )
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if not password:
            raise CommandError(f"Set the password in the {PASSWORD_VARIABLE} environment variable.")
        user = User(username=username, email=email, is_staff=True, is_superuser=superuser)
        try:
            User._meta.get_field("username").run_validators(username)
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.set_password(password)
        user.save()
        user.groups.set(found.values())
        kind = "superuser" if superuser else "staff user"
        where = f" in {', '.join(groups)}" if groups else ""
        self.stdout.write(self.style.SUCCESS(f"Created {kind} {username}{where}."))
        if second_factor_required(user):
            self.stdout.write(enrolment_code_message(user))
