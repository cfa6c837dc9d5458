from django.apps import AppConfig


class LearningCitiesConfig(AppConfig):
    """The project's own infrastructure (storage, backups, caching, login protection), an app
    only so that Django finds its management commands. It never imports the `cities` app."""

    name = "learningcities"
