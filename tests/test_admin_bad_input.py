"""Bad input in the admin is a clear message on the form, never a 500, and saves nothing."""

import pytest
from django.urls import reverse

from cities.models import City, Program, ResourceLink, Status

from .factories import change_url, make_city, make_program
from .test_admin_editorial import admin_form_data, city_form

# Every test posts as a logged-in superuser (conftest.superuser logs in `client`).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("superuser")]


def new_city(**changes):
    data = city_form(City(name="Ibarra", slug="ibarra", year_joined=2020, narrative="Text."))
    data["cover_photo"] = ""
    return {**data, **admin_form_data(City, changes)}


def form_errors(response):
    """Every error message on the admin form and its inlines, as one list of strings."""
    assert response.status_code == 200, "the form should be shown again, with its errors"
    errors = list(response.context["errors"])
    for inline in response.context["inline_admin_formsets"]:
        errors += inline.formset.non_form_errors()
        for form_errors in inline.formset.errors:
            errors += [message for messages in form_errors.values() for message in messages]
    return [str(error) for error in errors]


def contains(errors, text):
    return any(text in error for error in errors)


ADD_CITY = reverse("admin:cities_city_add")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name_es": "N" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
        ({"tagline_en": "t" * 161}, "at most 160 characters"),
        ({"year_joined": 2012}, "greater than or equal to 2013"),
        ({"year_joined": 2999}, "2999 is in the future"),
        ({"year_joined": 99999}, "is in the future"),
        ({"year_joined": "soon"}, "Enter a whole number."),
        ({"website": "not a web address"}, "Enter a valid URL."),
        ({"uil_profile_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"slug": "with spaces"}, "Enter a valid “slug”"),
        ({"status": "gone"}, "Select a valid choice."),
        ({"published_at_0": "2025-13-45", "published_at_1": "10:00"}, "Enter a valid date."),
        ({"population": 1000}, "Give the population together with the year"),
        ({"mayor_source_url": "ftp://example.org/mayor"}, "starts with http:// or https://"),
        ({"profile_source_url": "ftp://example.org/profile"}, "starts with http:// or https://"),
        ({"mayor_since": 2999}, "2999 is in the future"),
        ({"focal_point_role_es": "r" * 151}, "at most 150 characters"),
    ],
)
def test_bad_city_input_is_a_form_error_and_saves_nothing(client, changes, message):
    response = client.post(ADD_CITY, new_city(**changes))
    assert contains(form_errors(response), message), form_errors(response)
    assert not City.objects.exists()


def test_duplicate_city_slug_is_a_form_error(client):
    make_city(slug="ibarra")
    response = client.post(ADD_CITY, new_city(slug="ibarra"))
    assert contains(form_errors(response), "City with this Slug already exists.")
    assert City.objects.count() == 1


def inline_row(prefix, index, **fields):
    return {f"{prefix}-{index}-{name}": value for name, value in fields.items()}


def test_duplicate_program_slugs_in_the_city_inline_are_a_form_error(client):
    city = make_city()
    existing = make_program(city, slug="reading", name="Reading")
    program = {"lifecycle": "active", "status": Status.DRAFT, "order": 0}
    data = city_form(
        city,
        **{"programs-TOTAL_FORMS": 2, "programs-INITIAL_FORMS": 1},
        **inline_row(
            "programs", 0, id=existing.pk, city=city.pk, name="Reading", slug="reading", **program
        ),
        **inline_row("programs", 1, name="Reading again", slug="reading", **program),
    )
    response = client.post(change_url(city), data)
    assert contains(form_errors(response), "Please correct the duplicate data for slug")
    assert city.programs.count() == 1


def test_duplicate_award_years_in_the_city_inline_are_a_form_error(client):
    city = make_city()
    data = city_form(
        city,
        **{"awards-TOTAL_FORMS": 2},
        **inline_row("awards", 0, year=2024),
        **inline_row("awards", 1, year=2024),
    )
    response = client.post(change_url(city), data)
    assert contains(form_errors(response), "Please correct the duplicate data for year")
    assert not city.awards.exists()


def program_form(program, **changes):
    data = {
        "city": program.city_id,
        "name": program.name,
        "slug": program.slug,
        "status": program.status,
        "lifecycle": program.lifecycle,
        "replaced_by": program.replaced_by_id or "",
        "order": program.order,
    }
    return {**data, **changes}


def test_a_program_replaced_by_itself_is_a_form_error(client):
    program = make_program(make_city(), name="Original")
    data = program_form(program, lifecycle="replaced", replaced_by=program.pk)
    response = client.post(change_url(program), admin_form_data(Program, data))
    assert contains(form_errors(response), "A program cannot replace itself.")
    program.refresh_from_db()
    assert program.replaced_by is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name_es": "p" * 151}, "at most 150 characters"),
        ({"summary_en": "s" * 301}, "at most 300 characters"),
        ({"start_year": 1800}, "greater than or equal to 1900"),
        ({"website": "www example"}, "Enter a valid URL."),
        ({"city": 999999}, "Select a valid choice."),
        ({"source_url": "ftp://example.org/report"}, "starts with http:// or https://"),
        ({"theme": "happiness"}, "Select a valid choice."),
    ],
)
def test_bad_program_input_is_a_form_error(client, changes, message):
    program = make_program(make_city(), name="Unchanged")
    response = client.post(
        change_url(program), admin_form_data(Program, program_form(program, **changes))
    )
    assert contains(form_errors(response), message), form_errors(response)
    assert Program.objects.get(pk=program.pk).name == "Unchanged"


def test_invalid_link_address_is_a_form_error(client):
    response = client.post(
        reverse("admin:cities_resourcelink_add"),
        admin_form_data(
            ResourceLink,
            {"title": "UNESCO", "url": "not an address", "description": "", "order": 0},
        ),
    )
    assert contains(form_errors(response), "Enter a valid URL.")
    assert not ResourceLink.objects.exists()
