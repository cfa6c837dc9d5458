from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Learning cities")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import signals  # noqa: F401  (connects the photo file handlers)
        from .history import record_history
        from .models import ContentVersion
        from .page_cache import invalidate_public_pages

        # Any change to this app's content (incl. many-to-many tables) makes cached pages stale.
        for model in self.get_models(include_auto_created=True):
            if model is ContentVersion:
                continue
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(invalidate_public_pages, sender=model)

        # After the loop: a version in the history is not content, and bumping the page
        # cache for it too would only cost queries.
        record_history()
