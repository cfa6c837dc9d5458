"""Content written before the site was bilingual becomes its English translation."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cities", "0004_photo_uploader_and_editor_groups")]
AFTER = [("cities", "0005_translated_content_fields")]


@pytest.mark.django_db(transaction=True)
def test_existing_english_text_is_kept_as_english_and_spanish_left_to_write():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("cities", "City").objects.create(
        name="Cuenca",
        slug="cuenca",
        year_joined=2017,
        tagline="Lifelong learning.",
        narrative="Cuenca joined in 2017.",
        status="published",
    )
    old.get_model("cities", "SiteText").objects.create(key="benefits", text="Benefits.")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    city = new.get_model("cities", "City").objects.get(slug="cuenca")
    assert (city.name_en, city.tagline_en, city.narrative_en) == (
        "Cuenca",
        "Lifelong learning.",
        "Cuenca joined in 2017.",
    )
    assert city.name_es is None and city.narrative_es is None
    assert new.get_model("cities", "SiteText").objects.get().text_en == "Benefits."

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
