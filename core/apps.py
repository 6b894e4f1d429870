from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .search import register_sqlite_functions

        # The tolerant search's SQL functions (core/search.py) on every SQLite connection;
        # PostgreSQL has them from a migration.
        connection_created.connect(register_sqlite_functions, dispatch_uid="core.search")
