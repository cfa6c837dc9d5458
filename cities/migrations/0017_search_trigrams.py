from importlib import import_module

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The full-text indexes of migration 0008 are no longer read: each server process now keeps
# its own index of the public items' words (cities/search.py). Its immutable_unaccent() stays:
# the typo search on PostgreSQL calls it.
search_indexes = import_module("cities.migrations.0008_search_indexes")


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """Django's extension operations skip other databases going forwards only; backwards
    they would ask SQLite for pg_extension."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def drop_full_text_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in search_indexes.SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0016_rich_text"),
    ]

    operations = [
        # Typo tolerance on PostgreSQL: similarity of words by their trigrams. Nothing is
        # done on other databases. pg_trgm is a trusted extension (PostgreSQL 13 and later),
        # so the database's owner may create it without being a superuser.
        TrigramExtensionOnPostgreSQL(),
        migrations.RunPython(drop_full_text_indexes, search_indexes.create_search_indexes),
    ]
