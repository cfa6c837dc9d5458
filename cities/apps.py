from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Learning cities")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .admin_search import register_sqlite_fold
        from .editorial import register_content_types
        from .signals import connect_signals

        # The content types first: the signals and the history read them.
        register_content_types()
        connect_signals()
        connection_created.connect(register_sqlite_fold)
