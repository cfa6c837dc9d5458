from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Accent-insensitive full-text search on PostgreSQL; does nothing on SQLite."""

    dependencies = [
        ("cities", "0003_translated_content_fields"),
    ]

    operations = [UnaccentExtension()]
