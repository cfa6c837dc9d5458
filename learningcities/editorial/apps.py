from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "learningcities.editorial"
    label = "editorial"
    verbose_name = _("Editorial engine")
