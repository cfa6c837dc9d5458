from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Learning cities")

    def ready(self):
        from . import signals  # noqa: F401  (connects the photo file handlers)
