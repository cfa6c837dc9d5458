from django.db import migrations


def create_unaccent(apps, schema_editor):
    # Accent-insensitive full-text search on PostgreSQL; other databases need nothing.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0005_translated_content_fields"),
    ]

    # Going back leaves the extension: other database objects may rely on it.
    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
