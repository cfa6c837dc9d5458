from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class LearningCitiesConfig(AppConfig):
    """The project's own infrastructure (storage, backups, caching, login protection), an app
    only so that Django finds its management commands and its system checks. It never imports
    the `cities` app."""

    name = "learningcities"

    def ready(self):
        from django.core import checks

        from .two_factor import sessions_in_the_database  # which needs the models loaded

        checks.register(sessions_in_the_database, checks.Tags.security)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on the site that asks staff for their second factor."""

    # Listed by its full path in INSTALLED_APPS; "learningcities" alone stays the app above.
    default = False
    default_site = "learningcities.two_factor.AdminSite"
