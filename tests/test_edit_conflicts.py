"""Two editors at once: no save silently undoes another's; the conflict page keeps the work."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from cities.models import City, Program, Status

from .factories import (
    change_url,
    logged_in_client,
    make_city,
    make_criterion,
    make_photo,
    make_program,
    make_publisher,
    make_staff,
    posted,
)

pytestmark = pytest.mark.django_db


def editor_browser(name, full_name=""):
    """A browser of its own, logged in as the editor `name`, who may publish."""
    first, _, last = full_name.partition(" ")
    return logged_in_client(make_publisher(username=name, first_name=first, last_name=last))


def opened_form(client, obj):
    """Everything the change form of `obj` posts when saved as shown, the inline rows, the
    versions it was opened at and the revision of the draft it shows included."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    context = response.context
    data = posted(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data |= posted(formset.management_form)
        for form in formset.forms:
            data |= posted(form)
    data["_opened_versions"] = context["opened_versions"]
    if context.get("draft_revision") is not None:
        data["_draft_revision"] = str(context["draft_revision"])
    data["_save"] = "Save"
    return data


def hidden_fields(html):
    """The hidden inputs of the conflict page's form, as the browser would post them."""
    form = html[html.index('class="edit-conflict__actions"') :]
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(unescape(value))
    return data


def apply_my_changes(client, obj, conflict):
    """Clicks "Apply my changes" on the conflict page `conflict`."""
    return client.post(change_url(obj), {**hidden_fields(conflict.text), "_apply_on_top": "1"})


def conflicting_saves(obj, ana_changes, bruno_changes, ana_name="", bruno_language=None):
    """Ana and Bruno open the change form of `obj` together; Ana saves `ana_changes`, then
    Bruno saves `bruno_changes` over the version he opened. Returns both browsers and the
    answer to Bruno's save."""
    ana, bruno = editor_browser("ana", ana_name), editor_browser("bruno")
    if bruno_language:
        bruno.defaults["HTTP_ACCEPT_LANGUAGE"] = bruno_language
    ana_form, bruno_form = opened_form(ana, obj), opened_form(bruno, obj)
    assert ana.post(change_url(obj), ana_form | ana_changes).status_code == 302
    return ana, bruno, bruno.post(change_url(obj), bruno_form | bruno_changes)


@pytest.fixture
def cuenca():
    return make_city(
        name="Cuenca", slug="cuenca", tagline="City of rivers", narrative="Cuenca learns."
    )


def test_a_save_over_a_newer_version_is_refused_with_the_conflict_page(cuenca):
    *_, response = conflicting_saves(
        cuenca,
        {"tagline_en": "Four rivers, one city", "tagline_es": "Cuatro ríos, una ciudad"},
        {"narrative_en": "Cuenca learns in every parish."},
        ana_name="Ana Torres",
    )

    assert response.status_code == 409
    html = response.text
    assert 'id="edit-conflict"' in html
    assert "Changed by Ana Torres on" in html
    # Field by field, both languages, before and after.
    assert "Tagline (English)" in html and "Four rivers, one city" in html
    assert "Tagline (Spanish)" in html and "Cuatro ríos, una ciudad" in html
    assert "City of rivers" in html
    # Each translated field once per language, not again as its untranslated twin.
    assert '<th scope="row">Tagline</th>' not in html
    # What Bruno typed is on the page, and nothing of it was saved.
    assert "Cuenca learns in every parish." in html
    cuenca.refresh_from_db()
    assert cuenca.tagline_en == "Four rivers, one city"
    assert cuenca.narrative_en == "Cuenca learns."


def test_each_changed_field_links_to_its_place_on_the_current_form(cuenca):
    *_, response = conflicting_saves(cuenca, {"province": "Azuay"}, {"population": "600000"})
    assert response.status_code == 409
    form = change_url(cuenca)
    # Changed by Ana, and typed by Bruno: each opens the form, in a new tab, at the field.
    assert f'<a href="{form}#id_province" target="_blank" rel="noopener">Province</a>' in (
        response.text
    )
    assert f'<a href="{form}#id_population" target="_blank" rel="noopener">Population</a>' in (
        response.text
    )


@pytest.mark.parametrize(
    ("language", "narrative", "tagline"),
    [
        ("en", "Narrative (English)", "Tagline (Spanish)"),
        ("es", "Relato (inglés)", "Lema (español)"),
    ],
)
def test_my_changes_name_each_field_with_its_language_as_the_form_does(
    cuenca, language, narrative, tagline
):
    *_, response = conflicting_saves(
        cuenca,
        {"province": "Azuay"},
        {"narrative_en": "Cuenca learns in every parish.", "tagline_es": "Ciudad de ríos"},
        bruno_language=language,
    )
    assert response.status_code == 409
    mine = response.text[response.text.index("edit-conflict__fields--mine") :]
    mine = mine[: mine.index("</table>")]
    names = re.findall(r'<th scope="row"><a [^>]+>([^<]+)</a></th>', mine)
    assert sorted(names) == sorted([narrative, tagline])
    assert "[en]" not in response.text and "[es]" not in response.text


def test_the_city_form_names_translated_fields_with_their_language(cuenca):
    page = editor_browser("bruno").get(change_url(cuenca)).text
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", page)
    assert "Narrative (English):" in labels and "Tagline (Spanish):" in labels
    assert not [label for label in labels if "[en]" in label or "[es]" in label]


def test_applying_my_changes_on_top_keeps_both_editors_work(cuenca):
    _, bruno, conflict = conflicting_saves(
        cuenca,
        {"tagline_en": "Four rivers, one city"},
        {"narrative_en": "Cuenca learns in every parish."},
    )

    kept = hidden_fields(conflict.text)
    response = bruno.post(change_url(cuenca), {**kept, "_apply_on_top": "1"})

    assert response.status_code == 302
    cuenca.refresh_from_db()
    assert cuenca.tagline_en == "Four rivers, one city"
    assert cuenca.narrative_en == "Cuenca learns in every parish."
    latest = cuenca.history.latest()
    assert latest.history_user.username == "bruno"


def test_when_both_changed_the_same_field_applying_takes_mine(cuenca):
    _, bruno, conflict = conflicting_saves(
        cuenca, {"tagline_en": "Ana's tagline"}, {"tagline_en": "Bruno's tagline"}
    )
    assert "Ana&#x27;s tagline" in conflict.text and "Bruno&#x27;s tagline" in conflict.text

    apply_my_changes(bruno, cuenca, conflict)
    cuenca.refresh_from_db()
    assert cuenca.tagline_en == "Bruno's tagline"


def test_a_change_made_while_the_conflict_page_was_open_shows_it_again(cuenca):
    ana, bruno, conflict = conflicting_saves(
        cuenca, {"tagline_en": "First"}, {"narrative_en": "Bruno's narrative"}
    )
    again = opened_form(ana, cuenca)
    again["province"] = "Azuay"
    ana.post(change_url(cuenca), again)

    response = apply_my_changes(bruno, cuenca, conflict)

    assert response.status_code == 409
    assert "Azuay" in response.text
    cuenca.refresh_from_db()
    assert cuenca.narrative_en == "Cuenca learns."


def test_discarding_leads_to_the_current_version(cuenca):
    _, bruno, conflict = conflicting_saves(
        cuenca, {"tagline_en": "Ana's tagline"}, {"tagline_en": "Bruno's tagline"}
    )
    assert f'class="button edit-conflict__discard" href="{change_url(cuenca)}"' in conflict.text

    current = bruno.get(change_url(cuenca))
    assert current.context["adminform"].form["tagline_en"].value() == "Ana's tagline"


def test_successive_saves_by_one_editor_are_no_conflict(cuenca):
    ana = editor_browser("ana")
    form = opened_form(ana, cuenca)
    form["tagline_en"] = "One"
    form["_continue"] = "Save and continue editing"
    assert ana.post(change_url(cuenca), form).status_code == 302
    form = opened_form(ana, cuenca)
    form["tagline_en"] = "Two"
    assert ana.post(change_url(cuenca), form).status_code == 302
    cuenca.refresh_from_db()
    assert cuenca.tagline_en == "Two"


class TestInlineRows:
    def test_a_program_changed_on_its_own_form_is_not_undone_by_the_city_form(self, cuenca):
        program = make_program(cuenca, name="Bibliotecas", summary="Old summary")
        ana, bruno = editor_browser("ana", "Ana Torres"), editor_browser("bruno")
        bruno_form = opened_form(bruno, cuenca)
        ana_form = opened_form(ana, program)
        ana_form["summary_en"] = "Ana's summary"
        assert ana.post(change_url(program), ana_form).status_code == 302

        bruno_form["tagline_en"] = "Bruno's tagline"
        response = bruno.post(change_url(cuenca), bruno_form)

        assert response.status_code == 409
        assert "Program “" in response.text and "Bibliotecas" in response.text
        assert "Ana&#x27;s summary" in response.text
        program.refresh_from_db()
        assert program.summary_en == "Ana's summary"

        apply_my_changes(bruno, cuenca, response)
        program.refresh_from_db()
        cuenca.refresh_from_db()
        assert program.summary_en == "Ana's summary"
        assert cuenca.tagline_en == "Bruno's tagline"

    def test_both_editors_changes_to_one_program_row_are_merged(self, cuenca):
        program = make_program(cuenca, name="Bibliotecas", summary="Old summary")
        _, bruno, conflict = conflicting_saves(
            cuenca,
            {"programs-0-summary_en": "Ana's summary"},
            {"programs-0-lifecycle": Program.Lifecycle.ENDED},
        )
        assert conflict.status_code == 409

        apply_my_changes(bruno, cuenca, conflict)
        program.refresh_from_db()
        assert program.summary_en == "Ana's summary"
        assert program.lifecycle == Program.Lifecycle.ENDED

    def test_a_program_deleted_meanwhile_is_named_and_the_rest_can_be_saved(self, cuenca):
        kept = make_program(cuenca, name="Kept program")
        gone = make_program(cuenca, name="Jóvenes Cuenca")
        ana, bruno = editor_browser("ana", "Ana Torres"), editor_browser("bruno")
        bruno_form = opened_form(bruno, cuenca)
        ana.post(reverse("admin:cities_program_delete", args=[gone.pk]), {"post": "yes"})
        assert not Program.objects.filter(pk=gone.pk).exists()

        bruno_form["tagline_en"] = "Bruno's tagline"
        response = bruno.post(change_url(cuenca), bruno_form)

        assert response.status_code == 409
        assert "Jóvenes Cuenca" in response.text
        assert "Deleted by Ana Torres on" in response.text
        apply = apply_my_changes(bruno, cuenca, response)
        assert apply.status_code == 302
        cuenca.refresh_from_db()
        assert cuenca.tagline_en == "Bruno's tagline"
        assert list(cuenca.programs.all()) == [kept]

    def test_criteria_ticked_by_one_editor_survive_anothers_save(self, cuenca):
        families = make_criterion(title="Families")
        program = make_program(cuenca, name="Bibliotecas")
        _, bruno, conflict = conflicting_saves(
            cuenca,
            {"programs-0-criteria": [str(families.pk)]},
            {"programs-0-summary_en": "Bruno's summary"},
        )

        apply_my_changes(bruno, cuenca, conflict)
        program.refresh_from_db()
        assert list(program.criteria.all()) == [families]
        assert program.summary_en == "Bruno's summary"


def test_a_city_deleted_meanwhile_is_named_with_what_was_typed(cuenca):
    ana, bruno = editor_browser("ana", "Ana Torres"), editor_browser("bruno")
    bruno_form = opened_form(bruno, cuenca)
    ana.post(reverse("admin:cities_city_delete", args=[cuenca.pk]), {"post": "yes"})
    bruno_form["tagline_en"] = "Bruno's tagline"

    response = bruno.post(change_url(cuenca), bruno_form)

    assert response.status_code == 409
    assert "someone deleted it" in response.text
    assert "Deleted by Ana Torres on" in response.text
    assert "_apply_on_top" not in response.text
    assert reverse("admin:cities_city_deleted") in response.text
    assert not City.objects.filter(slug="cuenca").exists()


@pytest.mark.parametrize(
    "make_item",
    [
        lambda: make_criterion(title="Families"),
        lambda: make_program(make_city(), name="Bibliotecas"),
    ],
    ids=["criterion", "program"],
)
def test_every_change_form_refuses_a_save_over_a_newer_version(make_item):
    item = make_item()
    *_, response = conflicting_saves(item, {"order": "7"}, {"order": "9"})
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.order == 7


def test_a_list_saved_over_a_newer_order_is_refused_for_that_row():
    first = make_criterion(title="Families", order=1)
    second = make_criterion(title="Workplace", order=2)
    ana, bruno = editor_browser("ana", "Ana Torres"), editor_browser("bruno")
    url = reverse("admin:cities_criterion_changelist")
    listed = bruno.get(url)
    formset = listed.context["cl"].formset
    data = posted(formset.management_form)
    for form in formset.forms:
        data |= posted(form)
    data["_opened_versions"] = re.search(
        r'name="_opened_versions" value="([^"]*)"', listed.text
    ).group(1)
    data = {key: unescape(str(value)) for key, value in data.items()}
    ana_form = opened_form(ana, first)
    ana_form["order"] = "5"
    ana.post(change_url(first), ana_form)

    rows = {form.instance.pk: form.prefix for form in formset.forms}
    data[f"{rows[first.pk]}-order"] = "8"
    data[f"{rows[second.pk]}-order"] = "3"
    response = bruno.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert "Ana Torres changed “Families” on" in response.text
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (5, 2)

    # Saving again, now that the list shows the new version, keeps Bruno's values.
    again = re.search(r'name="_opened_versions" value="([^"]*)"', response.text).group(1)
    data["_opened_versions"] = unescape(again)
    assert bruno.post(url, {**data, "_save": "Save"}).status_code == 302
    first.refresh_from_db()
    assert first.order == 8


def test_the_publish_action_keeps_a_change_saved_by_someone_else(cuenca):
    cuenca.status = Status.DRAFT
    cuenca.save()
    ana, bruno = editor_browser("ana"), editor_browser("bruno")
    ana_form = opened_form(ana, cuenca)
    ana_form["tagline_en"] = "Ana's tagline"
    ana.post(change_url(cuenca), ana_form)

    bruno.post(
        reverse("admin:cities_city_changelist"),
        {"action": "publish_now", "_selected_action": [cuenca.pk]},
    )
    cuenca.refresh_from_db()
    assert cuenca.status == Status.PUBLISHED
    assert cuenca.tagline_en == "Ana's tagline"


def test_the_conflict_page_is_in_spanish_for_a_spanish_editor(cuenca):
    *_, response = conflicting_saves(
        cuenca, {"tagline_en": "Ana's tagline"}, {}, bruno_language="es"
    )
    assert response.status_code == 409
    assert "Aplicar mis cambios" in response.text


class TestForgedVersions:
    """The versions field comes from the browser: whatever it says, it reveals nothing."""

    def test_an_uploader_learns_nothing_of_someone_elses_photo(self):
        owner = make_staff("Photo uploaders", username="owner")
        photo = make_photo(title="Embargoed portrait", uploaded_by=owner)
        photo.title_en = "Renamed by its owner"
        photo.save()
        intruder = logged_in_client(make_staff("Photo uploaders", username="intruder"))
        forged = json.dumps({"cities.photo": {str(photo.pk): 0}})

        response = intruder.post(
            change_url(photo), {"_opened_versions": forged, "title_en": "x"}, follow=True
        )

        assert 'id="edit-conflict"' not in response.text
        assert "Embargoed portrait" not in response.text and "owner" not in response.text
        photo.refresh_from_db()
        assert photo.title_en == "Renamed by its owner"

    def test_rows_of_another_city_named_in_the_field_are_ignored(self, cuenca):
        elsewhere = make_program(make_city(name="Loja"), name="Secret draft", summary="Old")
        elsewhere.summary_en = "Changed"
        elsewhere.save()
        bruno = editor_browser("bruno")
        form = opened_form(bruno, cuenca)
        versions = json.loads(form["_opened_versions"])
        versions["cities.program"] = {str(elsewhere.pk): 0}
        form["_opened_versions"] = json.dumps(versions)
        form["tagline_en"] = "Bruno's tagline"

        response = bruno.post(change_url(cuenca), form)

        assert response.status_code == 302
        cuenca.refresh_from_db()
        assert cuenca.tagline_en == "Bruno's tagline"

    @pytest.mark.parametrize("object_id", ["not-a-number", "999999"])
    def test_a_missing_or_malformed_item_is_the_admins_usual_answer(self, object_id):
        bruno = editor_browser("bruno")
        url = reverse("admin:cities_city_change", args=[object_id])
        response = bruno.post(url, {"_opened_versions": "{}"})
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
