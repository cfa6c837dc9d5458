"""Editing notices: an editor opening an item's form is told who else has it open."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cities.models import (
    ContentVersion,
    Criterion,
    EditingSession,
    LearningCityAward,
    ResourceLink,
    SiteText,
)

from .factories import (
    change_url,
    logged_in_client,
    make_city,
    make_photo,
    make_program,
    make_staff,
    make_user,
    posted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria():
    return make_staff("Editors", username="maria", first_name="María", last_name="López")


@pytest.fixture
def juan():
    return make_staff("Editors", username="juan")


@pytest.fixture
def city():
    return make_city(name="Quito")


def editing_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_editing", args=[obj.pk])


def opened_at(user, hour, minute):
    """As if `user` had opened the form today at hour:minute, local time."""
    moment = timezone.localtime().replace(hour=hour, minute=minute)
    EditingSession.objects.filter(user=user).update(opened_at=moment)


def notice(response):
    """What the notice says, one line per person (empty when it shows nothing)."""
    html = response.content.decode()
    assert html.count('role="status" data-editing-notices') == 1
    return [
        unescape(line)
        for line in re.findall(r'<span class="editing-notice__person">([^<]*)</span>', html)
    ]


def poll(client, obj, **data):
    response = client.post(editing_url(obj), data)
    assert response.status_code == 200, response
    return [other["message"] for other in response.json()["others"]]


def test_the_second_editor_is_told_who_has_the_city_open_and_since_when(maria, juan, city):
    first = logged_in_client(maria)
    assert notice(first.get(change_url(city))) == []  # nobody else; not herself either
    opened_at(maria, 10, 42)

    response = logged_in_client(juan).get(change_url(city))

    assert notice(response) == ["María López (maria) has been editing this city since 10:42."]
    assert "Agree with them who saves first" in response.content.decode()


def test_an_editor_without_a_full_name_is_named_by_username_and_in_spanish(maria, juan, city):
    logged_in_client(juan).get(change_url(city))
    opened_at(juan, 9, 5)

    response = logged_in_client(maria, language="es").get(change_url(city))

    assert notice(response) == ["juan está editando esta ficha de ciudad desde las 09:05."]


def test_a_form_open_since_an_earlier_day_gives_the_date(maria, juan, city):
    logged_in_client(maria).get(change_url(city))
    yesterday = timezone.localtime() - timedelta(days=1)
    EditingSession.objects.update(opened_at=yesterday.replace(hour=23, minute=50))

    response = logged_in_client(juan).get(change_url(city))

    assert notice(response) == [
        "María López (maria) has been editing this city since "
        f"{date_format(yesterday, 'DATE_FORMAT')} at 23:50."
    ]


def test_polling_says_still_here_and_answers_who_else_is_there(maria, juan, city):
    first, second = logged_in_client(maria), logged_in_client(juan)
    first.get(change_url(city))
    opened_at(maria, 10, 42)
    assert poll(first, city) == []  # alone so far

    second.get(change_url(city))
    opened_at(juan, 10, 50)

    assert poll(first, city) == ["juan has been editing this city since 10:50."]
    response = second.post(editing_url(city))
    assert response["Content-Type"] == "application/json"
    [other] = response.json()["others"]
    assert other["name"] == "María López (maria)"
    assert other["message"] == "María López (maria) has been editing this city since 10:42."
    # Still there: the poll keeps the time she opened the form.
    assert EditingSession.objects.get(user=maria).opened_at.strftime("%M") == "42"


def test_two_people_on_two_different_items_see_no_notice(maria, juan, city):
    other_city = make_city(name="Loja")
    logged_in_client(maria).get(change_url(city))
    assert notice(logged_in_client(juan).get(change_url(other_city))) == []
    assert poll(logged_in_client(juan), other_city) == []


def test_leaving_the_page_takes_the_editor_off_the_notice_at_once(maria, juan, city):
    first, second = logged_in_client(maria), logged_in_client(juan)
    first.get(change_url(city))
    second.get(change_url(city))
    assert len(poll(second, city)) == 1

    response = first.post(editing_url(city), {"leaving": "1"})

    assert response.status_code == 204
    assert poll(second, city) == []
    assert notice(second.get(change_url(city))) == []
    assert not EditingSession.objects.filter(user=maria).exists()


def test_a_form_silent_for_the_whole_window_is_no_longer_shown_and_is_pruned(maria, juan, city):
    logged_in_client(maria).get(change_url(city))
    EditingSession.objects.filter(user=maria).update(
        last_seen_at=timezone.now() - EditingSession.WINDOW - timedelta(seconds=1)
    )
    second = logged_in_client(juan)

    assert notice(second.get(change_url(city))) == []
    assert poll(second, city) == []
    assert list(EditingSession.objects.values_list("user__username", flat=True)) == ["juan"]


def test_coming_back_after_the_window_counts_from_the_return(maria, juan, city):
    first = logged_in_client(maria)
    first.get(change_url(city))
    opened_at(maria, 0, 1)
    EditingSession.objects.update(last_seen_at=timezone.now() - timedelta(hours=2))

    back = timezone.now()
    first.get(change_url(city))

    session = EditingSession.objects.get(user=maria)
    assert session.opened_at >= back
    assert poll(logged_in_client(juan), city) == [
        "María López (maria) has been editing this city since "
        f"{timezone.localtime(session.opened_at):%H:%M}."
    ]


def test_a_form_seen_within_the_window_is_still_shown(maria, juan, city):
    logged_in_client(maria).get(change_url(city))
    EditingSession.objects.filter(user=maria).update(
        last_seen_at=timezone.now() - EditingSession.WINDOW + timedelta(seconds=5)
    )
    assert len(poll(logged_in_client(juan), city)) == 1


def test_saving_and_leaving_the_form_ends_the_session_but_continuing_keeps_it(maria, juan):
    link = ResourceLink.objects.create(
        title_es="UIL", title_en="UIL", url="https://uil.unesco.org/"
    )
    first = logged_in_client(maria)
    form = first.get(change_url(link)).context["adminform"].form

    response = first.post(change_url(link), {**posted(form), "_continue": "1"})
    assert response.status_code == 302
    assert len(poll(logged_in_client(juan), link)) == 1

    response = first.post(change_url(link), posted(form))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cities_resourcelink_changelist")
    assert poll(logged_in_client(juan), link) == []


def test_editing_notices_do_not_make_cached_public_pages_stale(maria, juan, city):
    version = ContentVersion.current().version
    first, second = logged_in_client(maria), logged_in_client(juan)

    first.get(change_url(city))
    second.get(change_url(city))
    poll(first, city)
    first.post(editing_url(city), {"leaving": "1"})
    EditingSession.objects.update(last_seen_at=timezone.now() - timedelta(days=1))
    poll(second, city)  # prunes the stale rows

    assert ContentVersion.current().version == version


def test_an_uploader_learns_nothing_about_someone_elses_photo(maria):
    uploader = make_staff("Photo uploaders", username="uploader")
    photo = make_photo(city=make_city(), uploaded_by=make_user("other"))
    logged_in_client(maria).get(change_url(photo))
    client = logged_in_client(uploader)

    for data in ({}, {"leaving": "1"}):
        response = client.post(editing_url(photo), data)
        assert response.status_code == 404
        assert "maria" not in response.content.decode()
    assert list(EditingSession.objects.values_list("user__username", flat=True)) == ["maria"]


def test_an_uploader_is_named_on_their_own_photo(maria):
    uploader = make_staff("Photo uploaders", username="uploader")
    photo = make_photo(city=make_city(), uploaded_by=uploader)
    logged_in_client(uploader).get(change_url(photo))
    assert poll(logged_in_client(maria), photo)[0].startswith(
        "uploader has been editing this photo"
    )


def test_someone_who_may_only_view_sees_the_notice_but_is_not_named_nor_may_poll(maria, city):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_city"))
    logged_in_client(maria).get(change_url(city))
    client = logged_in_client(viewer)

    response = client.get(change_url(city))

    assert len(notice(response)) == 1
    assert "data-poll-url" not in response.content.decode()  # no script polling for them
    assert client.post(editing_url(city)).status_code == 403
    assert poll(logged_in_client(maria), city) == []


def test_the_polling_address_needs_a_login_a_post_and_the_csrf_token(maria, city):
    assert Client().post(editing_url(city))["Location"].startswith(reverse("admin:login"))
    assert logged_in_client(maria).get(editing_url(city)).status_code == 405
    strict = logged_in_client(maria, enforce_csrf_checks=True)
    assert strict.post(editing_url(city)).status_code == 403
    assert not EditingSession.objects.exists()


def test_a_mistyped_address_is_a_404(maria):
    assert logged_in_client(maria).post("/admin/cities/city/nonsense/editing/").status_code == 404


MAKERS = {
    "city": lambda: make_city(),
    "program": lambda: make_program(make_city()),
    "photo": lambda: make_photo(city=make_city()),
    "criterion": lambda: Criterion.objects.create(title="Inclusion", slug="inclusion"),
    "site text": lambda: SiteText.objects.create(key=SiteText.Key.BENEFITS, text="Learning."),
    "“Learn more” link": lambda: ResourceLink.objects.create(title="UIL", url="https://a.org/"),
    "UNESCO Learning City Award": lambda: LearningCityAward.objects.create(
        city=make_city(), year=2019
    ),
}


@pytest.mark.parametrize("item", MAKERS)
def test_every_content_form_has_the_notice(maria, juan, item):
    obj = MAKERS[item]()
    logged_in_client(maria).get(change_url(obj))
    opened_at(maria, 8, 0)

    response = logged_in_client(juan).get(change_url(obj))

    assert notice(response) == [f"María López (maria) has been editing this {item} since 08:00."]
    html = response.content.decode()
    assert "cities/admin/editing-notices.js" in html
    assert "cities/admin/editing-notices.css" in html
