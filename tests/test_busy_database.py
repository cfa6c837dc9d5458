"""A save the database is too busy to take in time: the editor sees why on the form, with
what they typed still in it, and nothing is saved. (Saves at the same moment normally wait
their turn: tests/test_concurrent_editing.py.)"""

from unittest import mock

import psycopg.errors
import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import OperationalError
from django.urls import reverse

from cities import images
from cities.models import City, Photo
from learningcities.admin_mixins import SaveFailureAdminMixin
from tests.factories import make_city, new_photo_form_data, posted, typed

BUSY = (
    "The database was too busy with other saves to take this one. Nothing was saved: your "
    "changes are still in the form below, please save again."
)


def database_error(message, cause=None):
    """An error as Django raises it: its own OperationalError, the driver's as its cause."""
    error = OperationalError(message)
    error.__cause__ = cause
    return error


def city_form_data(client, city, **values):
    context = client.get(reverse("admin:cities_city_change", args=[city.pk])).context
    form = context["adminform"].form
    data = posted(form) | typed(form, **values)
    for inline in context["inline_admin_formsets"]:
        data |= posted(inline.formset.management_form)
    return data


BUSY_ERRORS = {
    "sqlite busy timeout": database_error("database is locked"),
    "postgresql lock timeout": database_error(
        "canceling statement due to lock timeout",
        psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
    ),
    "postgresql serialization failure": database_error(
        "could not serialize access",
        psycopg.errors.SerializationFailure("could not serialize access"),
    ),
    "postgresql deadlock": database_error(
        "deadlock detected", psycopg.errors.DeadlockDetected("deadlock detected")
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("error", BUSY_ERRORS.values(), ids=BUSY_ERRORS.keys())
def test_a_busy_database_keeps_the_city_form_as_typed_and_saves_nothing(client, superuser, error):
    city = make_city(cover=False, name="Cuenca", tagline="Before")
    before = city.narrative
    change = reverse("admin:cities_city_change", args=[city.pk])
    data = city_form_data(
        client, city, name="Cuenca", tagline="Typed by the editor", narrative="A new story."
    )

    with mock.patch.object(City, "save", side_effect=error):
        response = client.post(change, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [BUSY]
    assert BUSY in response.text
    assert 'value="Typed by the editor"' in response.text
    assert "A new story." in response.text
    assert City.objects.values_list("tagline", "narrative").get() == ("Before", before)

    # Once the database is free again, saving the same form works.
    response = client.post(change, data)
    assert response.status_code == 302
    city.refresh_from_db()
    assert (city.tagline, city.narrative) == ("Typed by the editor", "A new story.")


@pytest.mark.django_db
def test_a_busy_database_while_storing_a_photo_leaves_no_row_and_no_file(
    client, superuser, settings
):
    data = new_photo_form_data(client)
    add = reverse("admin:cities_photo_add")

    # The photo and its row are written; the database gives up while the renditions are made.
    with mock.patch.object(
        images, "make_renditions", side_effect=database_error("database is locked")
    ):
        response = client.post(add, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [BUSY]
    assert 'value="Parque Calderón"' in response.text
    assert 'value="A park with tall trees"' in response.text
    assert not Photo.objects.exists()
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []


@pytest.mark.django_db
def test_a_database_that_is_down_is_still_the_site_wide_503(client, superuser):
    city = make_city(cover=False, name="Loja")
    change = reverse("admin:cities_city_change", args=[city.pk])
    data = city_form_data(client, city, name="Loja", tagline="Lost with the server")
    down = database_error("connection refused", psycopg.errors.ConnectionFailure("refused"))

    with mock.patch.object(City, "save", side_effect=down):
        response = client.post(change, data)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_every_content_admin_shows_save_failures_on_its_form(rf):
    request = rf.get("/admin/")
    request.user = User(is_active=True, is_staff=True, is_superuser=True)
    content_admins = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "cities"
        and not model.__name__.startswith("Historical")
        # A list that saves nothing (the review queue) has no form to keep.
        and (model_admin.has_add_permission(request) or model_admin.has_change_permission(request))
    ]
    assert len(content_admins) >= 7
    assert all(isinstance(m, SaveFailureAdminMixin) for m in content_admins), [
        type(m).__name__ for m in content_admins if not isinstance(m, SaveFailureAdminMixin)
    ]
