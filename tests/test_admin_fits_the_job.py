"""An admin that fits the job: search without accents in both languages, missing
translations shown and listed, where a photo appears, the cover picked by its picture, new
programs last, drafts said to be drafts, the "+" pop-up filled in, dates one way."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cities.models import City, Photo, Program, Status

from .factories import (
    change_url,
    make_city,
    make_photo,
    make_program,
    make_staff,
    posted,
    staff_with,
)

pytestmark = pytest.mark.django_db

PROGRAMS = reverse("admin:cities_program_changelist")
CITIES = reverse("admin:cities_city_changelist")
MISSING = reverse("admin:cities_missing_translations")


def listed(response):
    return [str(obj) for obj in response.context["cl"].result_list]


@pytest.fixture
def quito():
    city = make_city(name="Quito", slug="quito")
    make_program(
        city,
        name_es="Bájale al Acoso",
        name_en="Bájale al Acoso",
        summary_es="Contra el acoso en el transporte.",
        summary_en="Against harassment on public transport.",
    )
    make_program(
        city,
        name_es="Sistema Integral de Atención a Personas Adultas Mayores",
        name_en="Integrated Care System for Older Adults",
        summary_es="Aprendizaje para familias y personas mayores.",
        summary_en="Learning for families and older people.",
    )
    return city


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Bajale", ["Bájale al Acoso"]),
        ("BÁJALE acoso", ["Bájale al Acoso"]),
        ("Older Adults", ["Integrated Care System for Older Adults"]),
        ("families", ["Integrated Care System for Older Adults"]),
        ("atencion mayores", ["Integrated Care System for Older Adults"]),
        # Other forms of a word, by their Spanish or English stems, as the public search.
        ("adultos mayores", ["Integrated Care System for Older Adults"]),
        ("older adult", ["Integrated Care System for Older Adults"]),
        ("harassed", ["Bájale al Acoso"]),
        # A quoted phrase is looked for as typed.
        ('"adultos mayores"', []),
        ("quito", ["Bájale al Acoso", "Integrated Care System for Older Adults"]),
        ("nothing like it", []),
    ],
)
def test_program_search_ignores_accents_and_case_and_reads_both_languages(
    client, editor_client, quito, query, found
):
    assert sorted(listed(client.get(PROGRAMS, {"q": query}))) == found


def test_word_forms_of_items_saved_since_the_last_search_are_found_drafts_too(
    client, editor_client, quito
):
    assert listed(client.get(PROGRAMS, {"q": "bibliotecas"})) == []
    make_program(quito, name_es="Biblioteca Móvil", name_en="Mobile Library", status=Status.DRAFT)
    assert listed(client.get(PROGRAMS, {"q": "bibliotecas"})) == ["Mobile Library"]
    assert listed(client.get(PROGRAMS, {"q": "libraries"})) == ["Mobile Library"]


def test_city_search_finds_a_city_by_its_narrative_in_either_language(client, editor_client):
    make_city(name="Cuenca", narrative_es="Una ciudad de ríos.", narrative_en="A city of rivers.")
    make_city(name="Loja", narrative_es="Música.", narrative_en="Music.")
    assert listed(client.get(CITIES, {"q": "rios"})) == ["Cuenca"]
    assert listed(client.get(CITIES, {"q": "rivers"})) == ["Cuenca"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # The markup of the narrative and the vision is not their text.
        ("strong", []),
        ("href", []),
        ("example.org", []),
        ("<p>", []),
        ("amp", []),
        ("nbsp", []),
        # Their text is, bold, linked, across tags, with its entities as characters.
        ("rios", ["Cuenca"]),
        ("puentes", ["Cuenca"]),
        ('"de rios y puentes"', ["Cuenca"]),
        ('"rivers & bridges"', ["Cuenca"]),
        ('"a < b"', ["Cuenca"]),
        ('"older adults"', ["Loja"]),
    ],
)
def test_city_search_reads_rich_texts_as_their_readers_do_not_their_markup(
    client, editor_client, query, found
):
    make_city(
        name="Cuenca",
        narrative_es=(
            "<p>Una ciudad de <strong>ríos</strong> y "
            '<a href="https://example.org/puentes">puentes</a>.</p>'
        ),
        narrative_en="<p>A city of <em>rivers</em> &amp; bridges,&nbsp;where a &lt; b.</p>",
    )
    make_city(
        name="Loja",
        narrative="<p>Music.</p>",
        vision="<ul><li>Learning for older\n<strong>adults</strong></li></ul>",
    )
    assert listed(client.get(CITIES, {"q": query})) == found


@pytest.fixture
def half_translated():
    city = make_city(name="Azogues", tagline_es="Ciudad de sombreros.", tagline_en="")
    make_city(name="Loja", tagline_es="Música.", tagline_en="Music.")
    return city


def test_the_city_list_shows_and_filters_missing_translations(
    client, editor_client, half_translated
):
    response = client.get(CITIES)
    assert "English: tagline" in response.content.decode()
    assert listed(client.get(CITIES, {"missing_translation": "en"})) == ["Azogues"]
    assert listed(client.get(CITIES, {"missing_translation": "es"})) == []


def test_one_page_lists_every_missing_translation_with_a_link_to_fix_it(
    client, editor_client, half_translated
):
    photo = make_photo(title_es="Puente", title_en="", alt_text_en="A bridge", alt_text_es="")
    html = client.get(MISSING).content.decode()
    assert f'href="{change_url(half_translated)}#id_tagline_en"' in html
    assert f'href="{change_url(photo)}#id_title_en"' in html
    assert f'href="{change_url(photo)}#id_alt_text_es"' in html
    assert "Loja" not in html  # fully translated


def test_an_uploader_sees_only_their_own_photos_missing_translations(client):
    uploader = make_staff("Photo uploaders")
    make_photo(title_es="Mía", title_en="", uploaded_by=uploader)
    make_photo(title_es="Ajena", title_en="", uploaded_by=make_staff("Photo uploaders"))
    make_city(name="Borrador", tagline_es="Secreta.", tagline_en="", status=Status.DRAFT)
    client.force_login(uploader)
    html = client.get(MISSING).content.decode()
    assert "Mía" in html
    assert "Ajena" not in html
    assert "Borrador" not in html


def test_a_photo_form_shows_where_the_photo_appears(client, editor_client, quito):
    html = client.get(change_url(quito.cover_photo)).content.decode()
    assert "Where this photo appears" in html
    assert f'Cover of: <a href="{change_url(quito)}">Quito</a>' in html
    assert f'In the gallery of: <a href="{change_url(quito)}">Quito</a>' in html
    loose = make_photo()
    assert "Nowhere yet" in client.get(change_url(loose)).content.decode()


def test_an_uploader_sees_where_their_photo_appears_without_links_to_the_city_form(client, quito):
    uploader = make_staff("Photo uploaders")
    Photo.objects.filter(pk=quito.cover_photo.pk).update(uploaded_by=uploader)
    client.force_login(uploader)
    html = client.get(change_url(quito.cover_photo)).content.decode()
    assert "Cover of: Quito" in html
    assert change_url(quito) not in html


def cover_choices(client, city):
    form = client.get(change_url(city)).context["adminform"].form
    return [str(photo) for photo in form.fields["cover_photo"].queryset]


def test_the_cover_picker_offers_the_citys_photos_first_with_thumbnails(client, editor_client):
    city = make_city(name="Quito", cover=False)
    make_photo(title="Loose photo")
    make_photo(title="Gallery photo", city=city)
    make_photo(title="Other city's photo", city=make_city(cover=False))
    make_photo(title="Someone's draft", city=city, status=Status.DRAFT)
    assert cover_choices(client, city) == ["Gallery photo", "Loose photo"]
    html = client.get(change_url(city)).content.decode()
    gallery = Photo.objects.get(title_en="Gallery photo")
    assert f'<img src="{gallery.picture.smallest_src}"' in html
    assert 'class="cover-photo-picker"' in html


def test_the_cover_picker_offers_the_editors_own_drafts_and_keeps_the_current_cover(client):
    editor = make_staff("Editors")
    client.force_login(editor)
    city = make_city(name="Quito")
    make_photo(title="My draft", city=city, status=Status.DRAFT, uploaded_by=editor)
    Photo.objects.filter(pk=city.cover_photo_id).update(status=Status.DRAFT)
    assert sorted(cover_choices(client, city)) == sorted([str(city.cover_photo), "My draft"])


def test_another_citys_photo_posted_as_cover_is_refused(client, editor_client):
    city = make_city(name="Quito", cover=False)
    foreign = make_photo(city=make_city(cover=False))
    form = client.get(change_url(city)).context["adminform"].form
    data = {**inline_management(), **posted(form), "cover_photo": foreign.pk}
    response = client.post(change_url(city), data)
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors)
    city.refresh_from_db()
    assert city.cover_photo is None


def inline_management(**totals):
    data = {}
    for prefix in ("programs", "photos", "awards"):
        data[f"{prefix}-TOTAL_FORMS"] = totals.get(prefix, 0)
        data[f"{prefix}-INITIAL_FORMS"] = 0
    return data


def city_form_with_new_programs(client, city, *names):
    form = client.get(change_url(city)).context["adminform"].form
    data = {**posted(form), **inline_management(programs=len(names))}
    for index, name in enumerate(names):
        data |= {
            f"programs-{index}-name_es": name,
            f"programs-{index}-slug": name.lower().replace(" ", "-"),
            f"programs-{index}-lifecycle": "active",
            f"programs-{index}-status": "draft",
            f"programs-{index}-order": "",
        }
    return data


def test_new_programs_added_on_the_city_form_go_to_the_end(client, editor_client):
    city = make_city(cover=False)
    make_program(city, name="First", order=3)
    response = client.post(change_url(city), city_form_with_new_programs(client, city, "A", "B"))
    assert response.status_code == 302
    assert list(city.programs.values_list("name_es", "order")) == [
        ("First", 3),
        ("A", 4),
        ("B", 5),
    ]


def test_a_new_program_on_its_own_form_goes_to_the_end_unless_given_an_order(client, editor_client):
    city = make_city(cover=False)
    make_program(city, order=7)
    add = reverse("admin:cities_program_add")
    values = {"city": city.pk, "lifecycle": "active", "status": "draft"}
    client.post(add, {**values, "name_es": "Last", "slug": "last", "order": ""})
    client.post(add, {**values, "name_es": "Top", "slug": "top", "order": "0"})
    assert Program.objects.get(name_es="Last").order == 8
    assert Program.objects.get(name_es="Top").order == 0


def test_saving_says_which_items_were_saved_as_drafts(client, editor_client):
    city = make_city(name="Quito", cover=False)
    response = client.post(
        change_url(city), city_form_with_new_programs(client, city, "Nuevo"), follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    assert "Saved, but not public: “Nuevo” (draft)." in messages
    published = make_city(name="Loja", cover=False)
    form = client.get(change_url(published)).context["adminform"].form
    response = client.post(
        change_url(published), {**posted(form), **inline_management()}, follow=True
    )
    assert not any("not public" in str(m) for m in response.context["messages"])


def test_the_plus_beside_a_programs_successor_opens_a_new_program_in_the_same_city(
    client, editor_client, quito
):
    html = client.get(change_url(quito)).content.decode()
    add = reverse("admin:cities_program_add")
    assert f'href="{add}?_to_field=id&amp;_popup=1&amp;city={quito.pk}"' in html
    form = client.get(add, {"city": quito.pk, "_popup": 1}).context["adminform"].form
    assert str(form["city"].value()) == str(quito.pk)


def test_the_city_form_keeps_inline_rows_compact_with_details_on_demand(
    client, editor_client, quito
):
    html = client.get(change_url(quito)).content.decode()
    assert html.count("<details>") >= 2 + 3  # a fieldset per row, and the form's own
    assert 'name="programs-0-order"' in html


def test_a_scheduled_date_is_written_like_every_other_date(client, editor_client):
    when = timezone.now() + timedelta(days=3)
    make_city(name="Soon", status=Status.PUBLISHED, published_at=when, cover=False)
    html = client.get(CITIES).content.decode()
    local = timezone.localtime(when)
    assert f"scheduled for {date_format(local, 'DATETIME_FORMAT')}" in html


def test_an_uploader_still_cannot_open_the_city_form_or_its_lists(client, quito):
    client.force_login(make_staff("Photo uploaders"))
    assert client.get(change_url(quito)).status_code == 403
    assert client.get(CITIES).status_code == 403
    assert City.objects.count() == 1


def test_someone_who_may_only_view_opens_the_city_form_read_only(client, quito):
    client.force_login(
        staff_with("view_city", "view_program", "view_photo", "view_learningcityaward")
    )
    response = client.get(change_url(quito))
    assert response.status_code == 200
    assert "Bájale al Acoso" in response.content.decode()
