from django.db import migrations

# The columns each kind of item is searched in, in the order cities/search.py joins them: an
# index is only used when the query's expression is the index's expression.
SEARCHED_COLUMNS = {
    "cities_city": [
        "name_es",
        "name_en",
        "tagline_es",
        "tagline_en",
        "narrative_es",
        "narrative_en",
        "province",
    ],
    "cities_program": [
        "name_es",
        "name_en",
        "summary_es",
        "summary_en",
        "description_es",
        "description_en",
    ],
    "cities_criterion": ["title_es", "title_en", "statement_es", "statement_en"],
}

# unaccent() may change with its dictionary, so PostgreSQL does not index it; this wrapper
# states it does not, which holds while the dictionary is left alone. Names are qualified
# with the extension's schema, so that neither search_path nor pg_restore changes them.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$
"""


def search_document(columns):
    return " || ' ' || ".join(
        f"COALESCE(immutable_unaccent({column}), '')" for column in columns
    )


def create_search_indexes(apps, schema_editor):
    # Full-text search runs on PostgreSQL only; other databases need nothing.
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    schema_editor.execute(CREATE_FUNCTION.format(schema=schema))
    for table, columns in SEARCHED_COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX {table}_search ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, {search_document(columns)}))"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")
    schema_editor.execute("DROP FUNCTION IF EXISTS immutable_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0007_publication_date_archived_status_and_history"),
    ]

    operations = [migrations.RunPython(create_search_indexes, drop_search_indexes)]
