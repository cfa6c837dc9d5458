import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from cities.models import City, Photo, Program

from .factories import make_city, make_photo, make_program, uploaded_jpeg

pytestmark = pytest.mark.django_db


def valid_city(**kwargs):
    defaults = {"name": "Ambato", "slug": "ambato", "year_joined": 2020, "narrative": "Text."}
    return City(**{**defaults, **kwargs})


@pytest.mark.parametrize("year", [2013, timezone.localdate().year])
def test_year_joined_accepts_the_founding_year_up_to_this_year(year):
    valid_city(year_joined=year).full_clean()


@pytest.mark.parametrize("year", [2012, 1990, timezone.localdate().year + 1])
def test_year_joined_outside_the_network_lifetime_is_refused(year):
    with pytest.raises(ValidationError) as error:
        valid_city(year_joined=year).full_clean()
    assert "year_joined" in error.value.message_dict


def test_coordinates_out_of_range_are_refused():
    with pytest.raises(ValidationError) as error:
        valid_city(latitude=95, longitude=-200).full_clean()
    assert {"latitude", "longitude"} <= set(error.value.message_dict)


def test_population_needs_its_year():
    with pytest.raises(ValidationError, match="together with the year"):
        valid_city(population=600000).full_clean()


def test_city_slug_is_unique():
    make_city(slug="loja", cover=False)
    with pytest.raises(IntegrityError):
        make_city(slug="loja", cover=False)


def test_city_urls_and_names():
    city = make_city(name="Loja", slug="loja", cover=False)
    assert str(city) == "Loja"
    assert city.get_absolute_url() == "/en/cities/loja/"


def photo_without_credit(**kwargs):
    defaults = {"title": "Plaza", "alt_text": "A plaza", "image": uploaded_jpeg()}
    return Photo(**{**defaults, **kwargs})


def test_photo_alt_text_is_required():
    with pytest.raises(ValidationError) as error:
        photo_without_credit(alt_text="", author="Ana").full_clean()
    assert "alt_text" in error.value.message_dict


def test_photo_credit_is_required():
    with pytest.raises(ValidationError, match="Give the credit"):
        photo_without_credit().full_clean()


def test_photo_with_author_unknown_is_credited_honestly():
    photo = photo_without_credit(author_unknown=True)
    photo.full_clean()
    assert photo.credit == "author unknown"


def test_photo_credit_joins_author_and_holder():
    photo = photo_without_credit(author="Daniel Morejón", holder="Ministerio de Cultura")
    assert photo.credit == "Daniel Morejón / Ministerio de Cultura"


def test_photo_cannot_be_both_credited_and_author_unknown():
    with pytest.raises(ValidationError) as error:
        photo_without_credit(author="Ana", author_unknown=True).full_clean()
    assert "author_unknown" in error.value.message_dict


def test_photo_licence_links_creative_commons_deeds_only():
    assert photo_without_credit(licence="cc-by-sa-4.0").licence_url == (
        "https://creativecommons.org/licenses/by-sa/4.0/"
    )
    assert photo_without_credit(licence="all-rights-reserved").licence_url == ""


def test_cover_photo_of_another_city_is_refused():
    quito = make_city(name="Quito", slug="quito")
    loja = make_city(name="Loja", slug="loja", cover=False)
    loja.cover_photo = quito.cover_photo
    with pytest.raises(ValidationError) as error:
        loja.full_clean()
    assert "cover_photo" in error.value.message_dict


def test_program_cannot_replace_itself():
    program = make_program(make_city(cover=False))
    program.replaced_by = program
    program.lifecycle = Program.Lifecycle.REPLACED
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert "replaced_by" in error.value.message_dict


def test_program_with_successor_must_be_marked_replaced():
    city = make_city(cover=False)
    successor = make_program(city, name="Quito Wawas", slug="quito-wawas")
    program = make_program(city, name="Guagua Centros", slug="guagua-centros")
    program.replaced_by = successor
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert "lifecycle" in error.value.message_dict


def test_program_slug_is_unique_within_a_city_only():
    quito, loja = make_city(cover=False), make_city(cover=False)
    make_program(quito, slug="jovenes")
    make_program(loja, slug="jovenes")
    with pytest.raises(IntegrityError):
        make_program(quito, slug="jovenes")


def test_published_is_decided_by_status():
    published = make_photo()
    draft = make_photo(status="draft")
    assert list(Photo.objects.published()) == [published]
    assert published.is_published and not draft.is_published
