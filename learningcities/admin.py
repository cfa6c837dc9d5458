"""The admin's user pages: usernames are unique without regard to case, and whoever makes
someone staff is given that person's enrolment code for two-factor login."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.urls import reverse

from .two_factor import enrolment_code_notice, needs_enrolment_code

User = get_user_model()


class UserChangeFormUniqueInAnyCase(UserChangeForm):
    """Renaming someone "Editor" beside an "editor" is refused, as adding them already is
    (Django's UserCreationForm): two such names are easily mistaken for one person. Checked
    here rather than by a database constraint, which would change a contrib table; logging in
    still compares names exactly."""

    def clean_username(self):
        username = self.cleaned_data.get("username")
        others = User._default_manager.exclude(pk=self.instance.pk)
        if username and others.filter(username__iexact=username).exists():
            raise self.instance.unique_error_message(User, ["username"])
        return username


admin.site.unregister(User)


@admin.register(User)
class SiteUserAdmin(UserAdmin):
    form = UserChangeFormUniqueInAnyCase
    # A member of staff is added in one step, and their enrolment code shown at once.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2", "is_staff"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # As `create_user` prints it: without the code, the new member of staff could not
        # set up their authenticator app, and so never log in.
        if "is_staff" in form.changed_data and needs_enrolment_code(obj):
            address = request.build_absolute_uri(reverse("admin:two_factor_setup"))
            self.message_user(request, enrolment_code_notice(obj, address), messages.WARNING)
