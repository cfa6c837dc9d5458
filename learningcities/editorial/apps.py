from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "learningcities.editorial"
    label = "editorial"
    verbose_name = _("Editorial engine")

    def ready(self):
        from .actions import log_step, step_taken

        step_taken.connect(log_step, dispatch_uid="editorial.log_step")
