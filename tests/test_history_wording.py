"""The history and the admin's messages in plain language: labels instead of stored values,
each field once, no noise, restores named as such, and Spanish sentences that agree with each
model's name."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from cities import drafts
from cities.models import City, Criterion, Draft, Photo, Program, Status

from .factories import (
    change_url,
    draft_of,
    logged_in_client,
    make_city,
    make_criterion,
    make_photo,
    make_program,
    make_user,
    new_photo_form_data,
    posted,
    typed,
)

pytestmark = pytest.mark.django_db

NOT_IN_SPANISH = ["Revert", "Changed", "Created", "None", "Change reason", "Deleted ", "pk="]


@pytest.fixture
def editor():
    return make_user("ana", is_staff=True, is_superuser=True, first_name="Ana", last_name="Torres")


def browser(editor, language):
    return logged_in_client(editor, language=language)


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def compare_url(obj, old, new):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[obj.pk])
    return f"{url}?old={old.pk}&new={new.pk}"


def as_shown(response):
    """What a browser posts for an admin form left as shown, its inlines included."""
    data = posted(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
        for form in formset.initial_forms:
            data |= posted(form)
    return data


def messages_of(response):
    return [strip_tags(str(message)) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def replaced_program():
    """A program that was active and then replaced by another, by Ana, in one edit."""
    city = make_city(name="Quito", cover=False)
    successor = make_program(city, name="Guagua Centros")
    program = make_program(city, name="Bájale al Acoso", lifecycle=Program.Lifecycle.ACTIVE)
    program.lifecycle = Program.Lifecycle.REPLACED
    program.replaced_by = successor
    program.save()
    return program


class TestHistoryPage:
    def test_spanish_history_shows_choice_labels_and_names_not_stored_values(
        self, editor, replaced_program
    ):
        html = browser(editor, "es").get(history_url(replaced_program)).text
        assert "<strong>Ciclo de vida:</strong> activo → reemplazado" in html
        assert "<strong>Reemplazado por:</strong> — → Guagua Centros" in html
        assert "active → replaced" not in html
        for english in NOT_IN_SPANISH:
            assert english not in strip_tags(html)

    def test_english_history_shows_an_empty_field_as_a_dash_not_a_deleted_item(
        self, editor, replaced_program
    ):
        html = browser(editor, "en").get(history_url(replaced_program)).text
        assert "<strong>Replaced by:</strong> — → Guagua Centros" in html
        assert "pk=None" not in html and "Deleted program" not in html
        assert "None" not in strip_tags(html)

    def test_each_translated_field_is_listed_once_with_its_language(self, editor):
        city = make_city(name="Quito", cover=False)
        city.narrative_es = "Un relato nuevo."
        city.save()
        html = browser(editor, "es").get(history_url(city)).text
        assert html.count("Relato (español):") == 1
        assert "Relato:" not in html and "Relato (inglés)" not in html
        html = browser(editor, "en").get(history_url(city)).text
        assert html.count("Narrative (Spanish):") == 1 and "Narrative:" not in html

    def test_a_long_text_changed_in_its_middle_shows_the_changed_words_in_context(self, editor):
        words = [f"palabra{number}" for number in range(60)]
        city = make_city(name="Quito", cover=False, narrative_es=f"<p>{' '.join(words)}</p>")
        words[30] = "parroquia"
        city.narrative_es = f"<p>{' '.join(words)}</p>"
        city.save()

        html = browser(editor, "es").get(history_url(city)).text

        assert (
            "… palabra22 palabra23 palabra24 palabra25 palabra26 palabra27 palabra28 palabra29 "
            "<del>palabra30</del> palabra31"
        ) in html
        assert "<ins>parroquia</ins>" in html
        assert "palabra0 " not in html and "palabra59" not in html

    def test_a_date_saved_again_without_its_fractions_of_a_second_is_no_change(self, editor):
        city = make_city(name="Quito", cover=False)
        city.published_at = timezone.now().replace(microsecond=123456)
        city.save()
        city.published_at = city.published_at.replace(microsecond=0)  # as a form saves it
        city.save()
        response = browser(editor, "es").get(history_url(city))
        newest = response.context["page_obj"][0]
        assert newest.history_delta_changes == []
        assert "Guardado de nuevo, sin cambios." in response.text

    @time_machine.travel(datetime(2026, 11, 3, 9, 5, tzinfo=ZoneInfo("America/Guayaquil")))
    def test_a_restore_is_recorded_and_shown_with_the_version_and_its_author(self, editor):
        city = make_city(name="Quito", tagline="First tagline", cover=False)
        first = city.history.get()
        first.history_user = make_user("maria", first_name="María", last_name="Pérez")
        first.save()
        city.tagline_en = "A mistaken tagline"
        city.save()
        client = browser(editor, "es")
        restore_url = reverse("admin:cities_city_simple_history", args=[city.pk, first.pk])
        form = client.get(restore_url)
        assert "Restaurar “Quito” tal como estaba el" in form.text
        assert "Revert" not in form.text
        response = client.post(restore_url, as_shown(form), follow=True)
        assert messages_of(response) == [
            "La ciudad “Quito” se restauró desde la versión del 3 de noviembre de 2026 a las 09:05."
        ]
        restored = city.history.latest()
        assert restored.history_change_reason == f"restored from version {first.pk}"
        html = client.get(history_url(city)).text
        assert (
            "Restaurado desde la versión del 3 de noviembre de 2026 a las 09:05 por María Pérez"
            in html
        )
        english = browser(editor, "en").get(history_url(city)).text
        assert "Restored from the version of " in english and " by María Pérez" in english

    def test_a_named_drafts_name_stays_on_the_version_it_published(self, editor):
        city = make_city(name="Quito", slug="quito", cover=False)
        draft = draft_of(city, editor, tagline_en="Learning in every market")
        Draft.objects.filter(pk=draft.pk).update(name="Ready for the city council")
        drafts.publish(draft.pk, editor)

        english = browser(editor, "en").get(history_url(city)).text
        spanish = browser(editor, "es").get(history_url(city)).text
        assert (
            "Changes written by Ana Torres, published from their draft “Ready for the city "
            "council”</td>" in english
        )
        assert (
            "Cambios escritos por Ana Torres, publicados desde su borrador “Ready for the city "
            "council”</td>" in spanish
        )

    def test_the_wording_adds_no_query_per_version(
        self, editor, replaced_program, django_assert_num_queries
    ):
        # Session, user, the program, its versions, the names they link to, the criteria of
        # each compared pair (django-simple-history reads those per pair), and its drafts.
        client = browser(editor, "es")
        client.get(history_url(replaced_program))  # caches (content types) filled
        with django_assert_num_queries(13):
            client.get(history_url(replaced_program))


class TestCompareView:
    def test_spanish_comparison_shows_labels_each_field_once_and_no_noise(
        self, editor, replaced_program
    ):
        versions = replaced_program.history.order_by("history_id")
        old, new = versions.first(), versions.last()
        response = browser(editor, "es").get(compare_url(replaced_program, old, new))
        rows = {str(row["field"]): (row["old"], row["new"]) for row in response.context["rows"]}
        assert rows["Ciclo de vida"] == ("<del>activo</del>", "<ins>reemplazado</ins>")
        assert rows["Reemplazado por"] == ("<del>—</del>", "<ins>Guagua Centros</ins>")
        assert len(rows) == 2
        for english in NOT_IN_SPANISH:
            assert english not in strip_tags(response.text)

    def test_english_comparison_names_the_language_of_each_text(self, editor):
        city = make_city(name="Quito", narrative="Old text.", cover=False)
        first = city.history.get()
        city.narrative_en = "New text."
        city.save()
        response = browser(editor, "en").get(compare_url(city, first, city.history.latest()))
        rows = {str(row["field"]): row for row in response.context["rows"]}
        assert list(rows) == ["Narrative (English)"]


class TestSpanishMessages:
    """Each content model's messages agree with its name: "La ciudad", "El programa"."""

    def saved(self, client, url, extra):
        form = client.get(url)
        return client.post(
            url, as_shown(form) | typed(form.context["adminform"].form, **extra), follow=True
        )

    @pytest.mark.parametrize(
        ("make", "article", "changed", "edit_again"),
        [
            (lambda: make_city(name="Quito", cover=False), "La ciudad", "cambió", "editarla"),
            (lambda: make_photo(title="Plaza"), "La foto", "cambió", "editarla"),
            (
                lambda: make_program(make_city(cover=False), name="Bájale"),
                "El programa",
                "cambió",
                "editarlo",
            ),
            (lambda: make_criterion(title="Inclusión"), "El criterio", "cambió", "editarlo"),
        ],
    )
    def test_change_and_delete_messages_agree_with_the_name(
        self, editor, make, article, changed, edit_again
    ):
        item = make()
        client = browser(editor, "es")
        response = self.saved(client, change_url(item), {})
        assert messages_of(response) == [f"{article} “{item}” se {changed} correctamente."]
        response = client.post(
            change_url(item),
            as_shown(client.get(change_url(item))) | {"_continue": "1"},
            follow=True,
        )
        assert messages_of(response) == [
            f"{article} “{item}” se {changed} correctamente. Puede {edit_again} de nuevo abajo."
        ]
        opts = item._meta
        delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[item.pk])
        response = client.post(delete_url, {"post": "yes"}, follow=True)
        ending = "eliminada" if article.startswith("La") else "eliminado"
        assert messages_of(response) == [f"{article} “{item}” fue {ending} correctamente."]

    def test_adding_a_city_a_program_a_criterion_and_a_photo(self, editor):
        client = browser(editor, "es")
        quito = make_city(name="Quito", cover=False)
        added = {
            "admin:cities_city_add": {
                "name": "Loja",
                "slug": "loja",
                "year_joined": 2022,
                "narrative": "Un relato.",
            },
            "admin:cities_program_add": {
                "name": "Guagua Centros",
                "slug": "guagua",
                "city": quito.pk,
                "order": 1,
            },
            "admin:cities_criterion_add": {
                "title": "Inclusión",
                "slug": "inclusion",
                "statement": "Aprender",
                "order": 9,
            },
        }
        expected = {
            "admin:cities_city_add": "La ciudad “Loja” se agregó correctamente.",
            "admin:cities_program_add": "El programa “Guagua Centros” se agregó correctamente.",
            "admin:cities_criterion_add": "El criterio “Inclusión” se agregó correctamente.",
        }
        # New cities and programs are drafts, and the admin says so beside its own message.
        draft_notice = {
            "admin:cities_city_add": "Guardado, pero no público: “Loja” (borrador).",
            "admin:cities_program_add": "Guardado, pero no público: “Guagua Centros” (borrador).",
        }
        for name, values in added.items():
            response = self.saved(client, reverse(name), values)
            notices = [draft_notice[name]] if name in draft_notice else []
            assert messages_of(response) == [*notices, expected[name]], name
        data = new_photo_form_data(client) | {"_addanother": "1"}
        response = client.post(reverse("admin:cities_photo_add"), data, follow=True)
        assert messages_of(response) == [
            "Guardado, pero no público: “Parque Calderón” (borrador).",
            "La foto “Parque Calderón” se agregó correctamente. Puede agregar otra foto abajo.",
        ]
        assert (
            City.objects.filter(slug="loja").exists()
            and Criterion.objects.filter(slug="inclusion").exists()
        )

    def test_deleting_selected_cities_asks_and_reports_in_agreement(self, editor):
        cities = [make_city(cover=False), make_city(cover=False)]
        client = browser(editor, "es")
        changelist = reverse("admin:cities_city_changelist")
        action = {"action": "delete_selected", "_selected_action": [c.pk for c in cities]}
        page = client.get(changelist).text
        assert "Eliminar las ciudades seleccionadas" in page
        confirmation = client.post(changelist, action).text
        assert "¿Está seguro de que quiere eliminar las 2 ciudades seleccionadas?" in confirmation
        response = client.post(changelist, action | {"post": "yes"}, follow=True)
        assert messages_of(response) == ["2 ciudades fueron eliminadas."]
        one = make_program(make_city(cover=False))
        action = {"action": "delete_selected", "_selected_action": [one.pk]}
        confirmation = client.post(reverse("admin:cities_program_changelist"), action).text
        assert "¿Está seguro de que quiere eliminar el programa seleccionado?" in confirmation


def test_the_delete_confirmation_names_the_criteria_links_not_internal_objects(editor):
    criterion = make_criterion(title="Inclusión")
    program = make_program(
        make_city(name="Quito", cover=False), criteria=[criterion], name="Bájale"
    )
    client = browser(editor, "es")
    for url in (
        reverse("admin:cities_program_delete", args=[program.pk]),
        reverse("admin:cities_city_delete", args=[program.city.pk]),
        reverse("admin:cities_criterion_delete", args=[criterion.pk]),
    ):
        html = client.get(url).text
        assert "object (" not in html and "Program_criteria" not in html
        assert "Criterio atendido: Inclusión" in html
    html = client.get(reverse("admin:cities_program_delete", args=[program.pk])).text
    assert "¿Está seguro de que quiere eliminar el programa “Bájale”?" in html
    english = browser(editor, "en").get(reverse("admin:cities_city_delete", args=[program.city.pk]))
    assert "Are you sure you want to delete the city “Quito”?" in english.text
    assert "Criterion served: Inclusión" in english.text
    assert Photo.objects.count() == 0 and program.status == Status.PUBLISHED


def test_django_own_spanish_is_corrected_for_the_other_models(editor):
    bob = make_user("bob")
    response = browser(editor, "es").post(
        reverse("admin:auth_user_delete", args=[bob.pk]), {"post": "yes"}, follow=True
    )
    assert messages_of(response) == ["El usuario “bob” fue eliminado correctamente."]


def test_a_list_saved_with_new_orders_says_so_in_spanish(editor):
    city = make_city(cover=False)
    programs = [make_program(city, order=1), make_program(city, order=2)]
    data = {"form-TOTAL_FORMS": 2, "form-INITIAL_FORMS": 2, "_save": "Guardar"}
    for number, program in enumerate(programs):
        data |= {f"form-{number}-id": program.pk, f"form-{number}-order": 5 - number}
    response = browser(editor, "es").post(
        reverse("admin:cities_program_changelist"), data, follow=True
    )
    assert messages_of(response) == ["2 programas se cambiaron correctamente."]
