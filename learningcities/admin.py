"""The admin's user pages: usernames are unique without regard to case."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm

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
