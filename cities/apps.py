from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Learning cities")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .admin_search import register_sqlite_fold
        from .signals import connect_signals

        connect_signals()
        connection_created.connect(register_sqlite_fold)
