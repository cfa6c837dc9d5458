"""The activity log: for superusers, who did what to which item and when, across all content,
filtered by person, kind and date, a page at a time; nobody else may open it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cities import review
from cities.activity import ENTRIES_PER_PAGE
from cities.models import LearningCityAward, ResourceLink, Status
from learningcities.editorial.versions import newest_version_id

from .factories import (
    logged_in_client,
    make_city,
    make_criterion,
    make_photo,
    make_program,
    make_user,
    review_url,
    saved_by,
)

pytestmark = pytest.mark.django_db

LOG = reverse("admin:activity_log")


@pytest.fixture
def chief(superuser, client):
    """The browser of a superuser, who may read the log."""
    return client


def log(client, **filters):
    response = client.get(LOG, filters)
    assert response.status_code == 200
    return response


def rows(response):
    """(who, what, kind, item) of each row, as read."""
    return [
        (e.record.made_by, str(e.record.description), str(e.kind), e.item)
        for e in response.context["entries"]
    ]


class TestWhoDidWhat:
    def test_every_kind_of_change_across_content_newest_first(self, people, chief):
        editor = people["editor"]
        city = saved_by(editor, make_city(name="Cuenca", cover=False), tagline="Learning city")
        saved_by(editor, make_program(city, name="Reading circles"), summary="Books")
        link = saved_by(editor, ResourceLink.objects.create(title="UIL", url="https://x.org"))
        link._history_user = editor
        link.delete()

        response = log(chief)

        assert rows(response)[:4] == [
            ("Eva Ortiz", "deleted", "“Learn more” link", "UIL"),
            ("Eva Ortiz", "changed", "“Learn more” link", "UIL"),
            ("someone unknown", "created", "“Learn more” link", "UIL"),
            ("Eva Ortiz", "changed", "program", "Reading circles"),
        ]
        assert ("someone unknown", "created", "city", "Cuenca") in rows(response)
        assert "Eva Ortiz" in response.text and "Tagline (English)" in response.text

    def test_change_reasons_are_worded_approved_and_restored(self, people, chief):
        photo = make_photo(title="Plaza Grande", status=Status.DRAFT)
        submission = review.submit(photo, people["uploader"])
        logged_in_client(people["publisher"]).post(
            review_url(submission),
            {"version": newest_version_id(photo), "_approve": "1"},
        )
        first = photo.history.earliest()
        photo._change_reason = f"restored from version {first.history_id}"
        saved_by(people["editor"], photo, status=Status.DRAFT)

        restored, approved = rows(log(chief))[:2]

        assert approved == ("Pablo Vera", "approved and published", "photo", "Plaza Grande")
        assert restored[0] == "Eva Ortiz"
        assert restored[1].startswith("restored from the version of ")

    def test_each_row_links_to_its_comparison_or_the_items_history(self, people, chief):
        award = LearningCityAward.objects.create(city=make_city(name="Quito"), year=2015)
        changed = saved_by(people["editor"], award, year=2017).history.latest()

        entries = log(chief, kind="learningcityaward").context["entries"]

        assert [entry.item for entry in entries] == ["Quito, 2017", "Quito, 2015"]
        compare = reverse("admin:cities_learningcityaward_compare", args=[award.pk])
        old = changed.prev_record.history_id
        assert entries[0].url == f"{compare}?old={old}&new={changed.history_id}"
        assert entries[1].url == reverse("admin:cities_learningcityaward_history", args=[award.pk])
        assert chief.get(entries[0].url).status_code == 200


class TestFilters:
    @pytest.fixture
    def history(self, people):
        saved_by(people["editor"], make_city(name="Loja", cover=False), tagline="A")
        saved_by(people["publisher"], make_criterion(title="Inclusion"), order=9)
        old = saved_by(people["editor"], make_photo(title="Old photo"), alt_text="B")
        old.history.update(history_date=timezone.now() - timedelta(days=30))

    def test_by_person(self, people, chief, history):
        found = rows(log(chief, person=people["publisher"].pk))
        assert found == [("Pablo Vera", "changed", "criterion", "Inclusion")]

    def test_by_kind_of_item(self, chief, history):
        assert {kind for _who, _what, kind, _item in rows(log(chief, kind="photo"))} == {"photo"}

    def test_by_date_range(self, chief, history):
        today = timezone.localdate()
        month_ago = today - timedelta(days=30)
        recent = rows(log(chief, since=today.isoformat()))
        old = rows(log(chief, since=month_ago.isoformat(), until=month_ago.isoformat()))
        assert "Old photo" not in {item for *_rest, item in recent} and "Loja" in str(recent)
        assert {item for *_rest, item in old} == {"Old photo"}

    @pytest.mark.parametrize(
        "filters, message",
        [
            ({"person": "999999"}, "Select a valid choice"),
            ({"person": "abc"}, "Select a valid choice"),
            ({"kind": "spaceship"}, "Select a valid choice"),
            ({"since": "2024-13-45"}, "Enter a valid date"),
            ({"until": "yesterday"}, "Enter a valid date"),
            ({"since": "2025-02-01", "until": "2025-01-01"}, "The end comes before the start"),
        ],
    )
    def test_a_filter_given_wrongly_is_left_out_and_says_why(
        self, chief, history, filters, message
    ):
        response = log(chief, **filters)
        assert message in response.text
        assert "Some filters could not be read and are left out" in response.text
        assert len(response.context["entries"]) == len(log(chief).context["entries"])

    def test_a_wrong_page_number_shows_a_page(self, chief, history):
        assert log(chief, page="abc").context["page"].number == 1
        assert log(chief, page="999").context["page"].number == 1

    def test_the_filters_in_use_are_kept_by_the_page_links(self, people, chief):
        editor = people["editor"]
        city = make_city(name="Loja", cover=False)
        for number in range(ENTRIES_PER_PAGE + 5):
            saved_by(editor, city, population=number + 1)

        first = log(chief, person=editor.pk)
        second = log(chief, person=editor.pk, page=2)

        assert len(first.context["entries"]) == ENTRIES_PER_PAGE
        assert len(second.context["entries"]) == 5
        assert f"?person={editor.pk}&amp;page=2" in first.text


class TestRights:
    def test_only_superusers_may_open_it(self, people):
        for name in ("editor", "publisher", "uploader"):
            assert logged_in_client(people[name]).get(LOG).status_code == 403
        anonymous = logged_in_client(make_user()).get(LOG)  # not staff
        assert anonymous.status_code == 302 and reverse("admin:login") in anonymous["Location"]

    def test_the_admin_index_links_to_it_for_superusers_only(self, people, chief):
        assert f'href="{LOG}"' in chief.get(reverse("admin:index")).text
        editor_page = logged_in_client(people["editor"]).get(reverse("admin:index")).text
        assert f'href="{LOG}"' not in editor_page


def fill_history(people, rounds):
    """`rounds` changes to an item of every kind, interleaved, so that any page holds every
    kind."""
    editor = people["editor"]
    city = make_city(name="Loja")
    program = make_program(city, name="Reading circles")
    criterion = make_criterion()
    link = ResourceLink.objects.create(title="UIL", url="https://uil.unesco.org")
    award = LearningCityAward.objects.create(city=city, year=2015)
    for number in range(rounds):
        saved_by(editor, city, population=number + 1)
        saved_by(editor, program, summary=f"Summary {number}")
        saved_by(editor, criterion, order=number + 1)
        saved_by(editor, link, order=number + 1)
        saved_by(editor, award, source_url=f"https://uil.unesco.org/{number}")
        saved_by(editor, city.cover_photo, alt_text=f"Square {number}")


def queries_of_a_page(client, page):
    client.get(LOG, {"page": page})  # caches (content types, permissions) filled
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LOG, {"page": page})
    assert len(response.context["entries"]) == ENTRIES_PER_PAGE
    return len(queries)


def test_a_page_takes_as_many_queries_however_long_the_history(people, chief):
    fill_history(people, 10)
    short = queries_of_a_page(chief, 1)
    fill_history(people, 60)
    long = [queries_of_a_page(chief, page) for page in (1, 3)]

    assert long == [short, short]
    assert short <= 14  # session, rights, users, count, page, one per kind of item
