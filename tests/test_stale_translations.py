"""Translations that know when they are stale: a Spanish edit marks its English twin "may be
out of date" (and the reverse) until someone edits it or confirms it still right; the form,
the missing-translations page, the public page and the open data agree."""

import csv
import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cities.models import City, TranslationStamp
from cities.stale_translations import confirm, stale_translations

from .factories import (
    change_url,
    draft_of,
    logged_in_client,
    make_city,
    make_criterion,
    make_program,
    make_publisher,
    saved_by,
    staff_with,
)
from .test_edit_conflicts import opened_form

pytestmark = pytest.mark.django_db

SPANISH = "<p>Quito aprende en sus barrios.</p>"
ENGLISH = "<p>Quito learns in its neighbourhoods.</p>"
SPANISH_LATER = "<p>Quito aprende en cada parroquia y en sus mercados.</p>"


@pytest.fixture
def publisher():
    return make_publisher(username="pablo")


@pytest.fixture
def quito(publisher):
    city = make_city(name="Quito", slug="quito", narrative_es=SPANISH, narrative_en=ENGLISH)
    return city


def later(minutes):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes))


def stale_of(item):
    return stale_translations([item]).get(item, {})


def test_a_new_item_has_nothing_stale(quito):
    assert stale_of(quito) == {}
    assert TranslationStamp.objects.filter(field="narrative").count() == 2


def test_a_new_items_texts_are_stamped_in_one_query_as_written_by_its_author(publisher):
    city = City(
        slug="ibarra",
        year_joined=2025,
        name_es="Ibarra",
        name_en="Ibarra",
        tagline_es="Aprende junto al lago.",
    )
    with CaptureQueriesContext(connection) as queries:
        saved_by(publisher, city)
    stamps = TranslationStamp.objects.filter(object_id=city.pk, field__in=["name", "tagline"])
    assert sorted(stamps.values_list("field", "language", "written_by__username")) == [
        ("name", "en", "pablo"),
        ("name", "es", "pablo"),
        ("tagline", "es", "pablo"),
    ]
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert sum('"cities_translationstamp"' in sql for sql in inserts) == 1


def test_a_spanish_edit_marks_the_english_stale_until_it_is_edited(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_es=SPANISH_LATER)

    staleness = stale_of(quito)[("narrative", "en")]
    assert staleness.source == "es" and staleness.changed_by == publisher
    assert ("narrative", "es") not in stale_of(quito)

    with later(10):
        saved_by(publisher, quito, narrative_en="<p>Quito learns in every parish.</p>")
    assert stale_of(quito) == {}


def test_an_english_edit_marks_the_spanish_stale_the_same_way(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_en="<p>Quito learns in every market.</p>")
    assert ("narrative", "es") in stale_of(quito)


def test_confirming_still_right_clears_it_until_the_next_change(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_es=SPANISH_LATER)
    with later(6):
        confirm(quito, [("narrative", "en")], publisher)
    assert stale_of(quito) == {}
    with later(7):
        saved_by(publisher, quito, narrative_es=SPANISH)
    assert ("narrative", "en") in stale_of(quito)


def test_an_empty_translation_is_missing_not_stale(publisher):
    city = make_city(name="Loja", slug="loja", narrative_es=SPANISH, narrative_en="")
    with later(5):
        saved_by(publisher, city, narrative_es=SPANISH_LATER)
    assert ("narrative", "en") not in stale_of(city)


def test_a_text_written_before_stamps_were_kept_counts_as_older(quito, publisher):
    TranslationStamp.objects.all().delete()
    saved_by(publisher, quito, narrative_es=SPANISH_LATER)
    assert ("narrative", "en") in stale_of(quito)


def test_the_form_marks_the_field_shows_the_change_and_confirms_with_the_save(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_es=SPANISH_LATER)
    client = logged_in_client(publisher)

    form = client.get(change_url(quito)).text

    assert "May be out of date: the Spanish text was changed on" in form
    assert "<ins>cada parroquia y en</ins> sus <ins>mercados.</ins>" in form
    assert 'name="_still_right" value="narrative_en"' in form
    assert form.count('class="stale-translation"') == 1

    with later(6):
        client.post(
            change_url(quito), {**opened_form(client, quito), "_still_right": "narrative_en"}
        )

    assert stale_of(quito) == {}
    assert TranslationStamp.objects.get(field="narrative", language="en").confirmed
    assert "May be out of date" not in client.get(change_url(quito)).text


def test_the_form_says_it_in_spanish_too_and_while_it_shows_a_draft(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_es=SPANISH_LATER)
    draft_of(quito, publisher, tagline_en="Learning in every market")
    form = logged_in_client(publisher, language="es").get(change_url(quito)).text
    assert "Learning in every market" in form  # the draft is what the form shows
    assert "Puede estar desactualizado: el texto en español se cambió el" in form


def test_the_missing_translations_page_lists_it(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_es=SPANISH_LATER)
    page = logged_in_client(publisher).get(reverse("admin:cities_missing_translations")).text
    assert "Possibly out of date" in page
    assert f"{change_url(quito)}#id_narrative_en" in page


def test_the_public_page_and_the_open_data_agree_with_the_admin(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_es=SPANISH_LATER)
    visitor = Client()

    english = visitor.get("/en/cities/quito/").text
    spanish = visitor.get("/es/cities/quito/").text
    data = json.loads(visitor.get("/data/learning-cities.json").content)
    cities_csv = visitor.get("/data/cities.csv").content.decode()

    assert "The Spanish text was changed after this translation was written" in english
    assert "translation-note--stale" not in spanish
    (city,) = [city for city in data["cities"] if city["slug"] == "quito"]
    assert city["stale_translations"] == ["narrative_en"]
    (row,) = [row for row in csv.DictReader(io.StringIO(cities_csv)) if row["slug"] == "quito"]
    assert row["stale_translations"] == "narrative_en"

    with later(6):
        confirm(quito, [("narrative", "en")], publisher)
    assert "translation-note--stale" not in Client().get("/en/cities/quito/").text


def csv_row(path, slug):
    (row,) = [
        row
        for row in csv.DictReader(io.StringIO(Client().get(path).content.decode()))
        if row["slug"] == slug
    ]
    return row


def test_the_open_data_says_it_of_a_programs_description_and_a_criterions_statement(
    quito, publisher
):
    criterion = make_criterion(
        slug="inclusion", statement_es="Incluye a todos.", statement_en="Includes everyone."
    )
    program = make_program(
        quito,
        criteria=[criterion],
        slug="guagua-centros",
        description_es=SPANISH,
        description_en=ENGLISH,
    )
    with later(5):
        saved_by(publisher, program, description_es=SPANISH_LATER)
        saved_by(publisher, criterion, statement_en="Includes everyone, in every parish.")

    data = json.loads(Client().get("/data/learning-cities.json").content)

    (city,) = [city for city in data["cities"] if city["slug"] == "quito"]
    (program_data,) = [row for row in city["programs"] if row["slug"] == "guagua-centros"]
    assert program_data["stale_translations"] == ["description_en"]
    (criterion_data,) = [row for row in data["criteria"] if row["slug"] == "inclusion"]
    assert criterion_data["stale_translations"] == ["statement_es"]
    assert city["stale_translations"] == []
    assert csv_row("/data/programs.csv", "guagua-centros")["stale_translations"] == "description_en"
    assert csv_row("/data/criteria.csv", "inclusion")["stale_translations"] == "statement_es"


def test_someone_who_may_only_view_the_city_cannot_confirm_it_still_right(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_es=SPANISH_LATER)
    viewer = logged_in_client(staff_with("view_city"))
    page = viewer.get(change_url(quito))
    assert page.status_code == 200 and 'name="_still_right"' not in page.text

    # The form as it would be sent with the confirmation ticked.
    form = opened_form(logged_in_client(publisher), quito)
    with later(6):
        response = viewer.post(change_url(quito), {**form, "_still_right": "narrative_en"})

    assert response.status_code == 403
    assert ("narrative", "en") in stale_of(quito)
    assert not TranslationStamp.objects.get(field="narrative", language="en").confirmed


def test_an_english_edit_puts_the_note_on_the_spanish_public_page(quito, publisher):
    with later(5):
        saved_by(publisher, quito, narrative_en="<p>Quito learns in every market.</p>")
    visitor = Client()

    spanish = visitor.get("/es/cities/quito/")
    english = visitor.get("/en/cities/quito/")

    assert spanish.status_code == english.status_code == 200
    assert (
        "El texto en inglés se cambió después de escribirse esta traducción: puede estar "
        "desactualizada." in spanish.text
    )
    assert "translation-note--stale" not in english.text
