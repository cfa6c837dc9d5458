import re

import pytest
from django.urls import reverse

from cities.models import City, Criterion, LearningCityAward, Photo, Program, ResourceLink, SiteText

from .factories import (
    change_url,
    city_form_with_a_new_photo,
    make_city,
    make_photo,
    make_program,
    uploaded_jpeg,
)

pytestmark = pytest.mark.django_db

MODELS = [City, Program, Photo, Criterion, SiteText, ResourceLink]


def post_new_photo(client, **values):
    """Posts the admin's "add photo" form: a fresh JPEG of Parque Calderón under CC BY, without
    a credit unless `values` (the fields typed in) give one."""
    data = {
        "image": uploaded_jpeg(),
        "title_es": "Parque Calderón",
        "alt_text_es": "Un parque con pinos altos frente a una catedral",
        "licence": "cc-by-4.0",
        "status": "published",
        "order": 0,
    }
    return client.post(reverse("admin:cities_photo_add"), data | values)


@pytest.fixture
def content():
    city = make_city(name="Quito", slug="quito")
    make_program(city, name="Jóvenes Quito")
    return city


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_search_and_add_pages_load(client, superuser, content, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "Quito"}).status_code == 200
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_city_list_shows_thumbnail_and_filters(client, superuser, content):
    response = client.get(reverse("admin:cities_city_changelist"))
    html = response.content.decode()
    assert content.cover_photo.picture.smallest_src in html  # the smallest rendition
    for filter_title in ("By publication", "By year joined"):
        assert filter_title in html


def test_photo_list_shows_the_credit_and_filters_by_licence(client, superuser):
    make_photo(title="Plaza", author="Ana Pérez", holder="Municipio", licence="cc-by-4.0")
    make_photo(title="Market", author="Luis", licence="all-rights-reserved")
    response = client.get(reverse("admin:cities_photo_changelist"), {"licence": "cc-by-4.0"})
    html = response.content.decode()
    assert "Ana Pérez / Municipio" in html
    assert "Plaza" in html and "Market" not in html


def test_program_list_filters_by_criterion(client, superuser, content):
    criterion = Criterion.objects.create(title="Workplace", slug="workplace", statement="…")
    make_program(content, name="Empleo joven", criteria=[criterion])
    response = client.get(
        reverse("admin:cities_program_changelist"), {"criteria__id__exact": criterion.pk}
    )
    html = response.content.decode()
    assert "Empleo joven" in html and "Jóvenes Quito" not in html


def test_city_form_has_program_photo_and_award_inlines_and_view_on_site(client, superuser, content):
    response = client.get(reverse("admin:cities_city_change", args=[content.pk]))
    html = response.content.decode()
    assert "programs-TOTAL_FORMS" in html
    assert "photos-TOTAL_FORMS" in html
    assert "awards-TOTAL_FORMS" in html
    assert "View on site" in html
    assert 'class="cover-photo-picker"' in html  # the cover chosen by its picture


def test_photo_autocomplete_finds_photos_by_title(client, superuser, content):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cities", "model_name": "city", "field_name": "cover_photo", "term": "Cover"},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Cover of Quito"


def test_adding_a_photo_records_the_uploader(client, superuser):
    response = post_new_photo(client, author="Ana Pérez")
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get(title_es="Parque Calderón")
    assert photo.uploaded_by == superuser
    assert (photo.width, photo.height) == (640, 400)


def test_a_photo_added_in_the_city_inline_records_the_uploader(client, superuser):
    city = make_city(name="Loja", slug="loja", cover=False)
    data = city_form_with_a_new_photo(
        client,
        city,
        image=uploaded_jpeg(),
        title_es="Puerta de la Ciudad",
        alt_text_es="Una puerta de ciudad como un castillo bajo un cielo azul",
        author="Daniel Morejón",
        licence="all-rights-reserved",
        status="published",
    )
    # Spanish, the default language, is the one an editor must fill in.
    data.update(name_es="Loja", narrative_es="Loja aprende.")
    url = change_url(city)
    response = client.post(url, data)
    assert response.status_code == 302
    assert Photo.objects.get(title_es="Puerta de la Ciudad").uploaded_by == superuser


def test_photo_form_without_credit_shows_an_error_and_saves_nothing(client, superuser):
    response = post_new_photo(client, title_es="Sin crédito", licence="all-rights-reserved")
    assert response.status_code == 200
    assert "Give the credit" in response.content.decode()
    assert not Photo.objects.exists()


def test_photo_form_shows_the_photo_to_click_for_its_subject(client, superuser):
    photo = make_photo(alt_text="Quito's plaza & its trees")
    response = client.get(reverse("admin:cities_photo_change", args=[photo.pk]))
    assert (
        '<span class="focal-picker" data-focal-picker>'
        f'<img src="{photo.picture.src}" width="640" height="400"'
        ' alt="Quito&#x27;s plaza &amp; its trees">'
        '<span class="focal-picker__mark" aria-hidden="true"></span></span>'
    ) in response.content.decode()
    # Before the first save the picker waits, hidden, for a file to be chosen.
    response = client.get(reverse("admin:cities_photo_add"))
    assert "Choose the photo's file above; then click its subject here." in response.text
    assert '<span class="focal-picker" data-focal-picker hidden><img alt="">' in response.text


def test_deleting_a_cover_photo_is_refused_with_a_clear_message(client, superuser, content):
    cover = content.cover_photo
    url = reverse("admin:cities_photo_delete", args=[cover.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cannot delete photo" in html
    assert "Quito" in html
    assert Photo.objects.filter(pk=cover.pk).exists()


def test_award_year_before_the_first_round_is_refused():
    city = make_city(cover=False)
    award = LearningCityAward(city=city, year=2014)
    with pytest.raises(Exception) as error:
        award.full_clean()
    assert "year" in error.value.message_dict


def test_admin_has_the_site_branding(client, superuser):
    assert "Learning Cities · editors" in client.get(reverse("admin:index")).content.decode()


def test_a_programs_summary_is_written_in_a_box_sized_for_300_characters(editor_client):
    program = make_program(make_city(cover=False), summary="Care for young children.")
    for url, name in (
        (change_url(program), "summary_es"),
        (change_url(program.city), "programs-0-summary_es"),
    ):
        page = editor_client.get(url).content.decode()
        box = re.search(rf'<textarea name="{name}"[^>]*>', page)[0]
        assert 'rows="4"' in box and 'maxlength="300"' in box and "vLargeTextField" in box
