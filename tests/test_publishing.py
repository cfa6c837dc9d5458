"""Drafts, scheduled publishing and archiving: one rule, in the queryset and its twin."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cities.models import City, Photo, Program, PublicationState, Status
from cities.scheduling import publish_scheduled

from .factories import make_city, make_criterion, make_photo, make_program, staff_with
from .public_helpers import PUBLIC_PAGES, load_seed

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def cities_in_every_state():
    now = timezone.now()
    return {
        PublicationState.DRAFT: make_city(status=Status.DRAFT),
        PublicationState.SCHEDULED: make_city(status=Status.PUBLISHED, published_at=now + HOUR),
        PublicationState.PUBLISHED: make_city(status=Status.PUBLISHED, published_at=now - HOUR),
        PublicationState.ARCHIVED: make_city(status=Status.ARCHIVED, published_at=now - HOUR),
    }


def test_only_what_is_published_now_is_public(cities_in_every_state):
    published = cities_in_every_state[PublicationState.PUBLISHED]
    assert list(City.objects.published()) == [published]


@pytest.mark.parametrize("state", PublicationState.values)
def test_queryset_and_single_object_agree_on_every_state(cities_in_every_state, state):
    city = cities_in_every_state[state]
    assert city.publication_state == state
    assert list(City.objects.in_state(state)) == [city]
    assert city.is_published == City.objects.published().filter(pk=city.pk).exists()


@pytest.mark.parametrize("model", [City, Program, Photo])
def test_a_scheduled_item_becomes_public_when_its_time_has_come(model):
    city = make_city(status=Status.DRAFT)
    items = {
        City: city,
        Program: make_program(city),
        Photo: make_photo(city=city),
    }
    item = items[model]
    moment = timezone.now() + HOUR
    item.status, item.published_at = Status.PUBLISHED, moment
    item.save()
    assert not model.objects.published().filter(pk=item.pk).exists()
    assert not item.is_published
    assert model.objects.published(at=moment).filter(pk=item.pk).exists()
    assert item.is_public_at(moment)
    assert not item.is_public_at(moment - timedelta(seconds=1))


def test_publishing_records_when_and_a_bulk_update_without_date_counts_as_now():
    city = make_city(status=Status.DRAFT)
    assert city.published_at is None
    city.status = Status.PUBLISHED
    city.save(update_fields=["status"])
    city.refresh_from_db()
    assert city.published_at is not None and city.published_at <= timezone.now()

    other = make_city(status=Status.DRAFT)
    City.objects.filter(pk=other.pk).update(status=Status.PUBLISHED)
    other.refresh_from_db()
    assert other.published_at is None
    assert other.is_published
    assert City.objects.published().filter(pk=other.pk).exists()


def test_visitors_get_404_for_scheduled_and_archived_cities(client, cities_in_every_state):
    for state, city in cities_in_every_state.items():
        response = client.get(city.get_absolute_url())
        assert response.status_code == (200 if state == PublicationState.PUBLISHED else 404)


def test_editors_see_scheduled_pages_marked_and_never_cached(client, cities_in_every_state):
    city = cities_in_every_state[PublicationState.SCHEDULED]
    client.force_login(staff_with("view_city", "view_program", "view_photo"))
    response = client.get(city.get_absolute_url())
    assert response.status_code == 200
    assert "Scheduled: this page becomes public on" in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


class TestPreview:
    def preview_url(self, city):
        return reverse("cities:preview", kwargs={"slug": city.slug})

    def test_is_refused_to_visitors_and_to_staff_who_cannot_change_cities(self, client):
        city = make_city(status=Status.DRAFT)
        refused = client.get(self.preview_url(city))
        assert refused.status_code == 403
        assert "This page is for the site's editors only." in refused.content.decode()
        client.force_login(staff_with("view_city"))
        assert client.get(self.preview_url(city)).status_code == 403

    def test_a_refusal_is_logged_in_one_line_without_traceback(self, client, caplog):
        city = make_city(status=Status.DRAFT)
        with caplog.at_level(logging.WARNING, logger="django.request"):
            assert client.get(self.preview_url(city)).status_code == 403
        [record] = [r for r in caplog.records if r.name == "django.request"]
        assert record.levelno == logging.WARNING and record.exc_info is None
        assert caplog.text.strip().count("\n") == 0
        assert "Forbidden (Permission denied): " + self.preview_url(city) in caplog.text

    def test_refusal_does_not_reveal_which_drafts_exist(self, client):
        unknown = reverse("cities:preview", kwargs={"slug": "no-such-city"})
        assert client.get(unknown).status_code == 403
        client.force_login(staff_with("change_city"))
        assert client.get(unknown).status_code == 404

    def test_shows_the_page_as_the_public_will_see_it(self, client):
        city = make_city(status=Status.DRAFT, narrative="A new learning city.")
        make_program(city, name="Public reading circles", status=Status.PUBLISHED)
        make_program(city, name="Half-written idea", status=Status.DRAFT)
        client.force_login(staff_with("change_city", "view_program", "view_photo"))
        response = client.get(self.preview_url(city))
        assert response.status_code == 200
        assert "A new learning city." in response.text
        assert "Public reading circles" in response.text
        assert "Half-written idea" not in response.text
        assert "Preview: this is how the public will see this page once" in response.text
        assert "Draft: this page" not in response.text
        assert '<meta name="robots" content="noindex">' in response.text
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    def test_of_a_scheduled_city_shows_what_will_be_public_at_its_date(self, client):
        moment = timezone.now() + 2 * HOUR
        city = make_city(status=Status.PUBLISHED, published_at=moment)
        make_program(city, name="Starts with the city", published_at=moment - HOUR)
        make_program(city, name="Starts later", published_at=moment + HOUR)
        client.force_login(staff_with("change_city"))
        response = client.get(self.preview_url(city))
        assert "Starts with the city" in response.text
        assert "Starts later" not in response.text
        assert "Preview: this is how the public will see this page from" in response.text

    def test_uses_a_fixed_number_of_queries(self, client):
        client.force_login(staff_with("change_city"))

        def queries_for_city_with(items):
            city = make_city(status=Status.DRAFT)
            for _ in range(items):
                make_program(city, criteria=[make_criterion()])
                make_photo(city=city)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(self.preview_url(city)).status_code == 200
            return len(queries)

        assert queries_for_city_with(1) == queries_for_city_with(4)


def test_a_visitors_view_of_published_city_is_public_and_cacheable(client):
    city = make_city()
    response = client.get(city.get_absolute_url())
    assert "no-store" not in response.get("Cache-Control", "")
    assert "noindex" not in response.text
    assert AnonymousUser().has_perm("cities.view_city") is False


def test_cached_public_pages_show_a_scheduled_city_once_it_is_due(client, time_machine):
    # The clock stands still until the test moves it: on a busy machine a second could pass
    # between making the city and the first request.
    time_machine.move_to(timezone.now(), tick=False)
    make_city(name="Early city")
    due = timezone.now() + timedelta(seconds=1)
    make_city(name="Scheduled city", status=Status.PUBLISHED, published_at=due)
    overview = reverse("cities:overview")
    first = client.get(overview)
    assert "Early city" in first.text and "Scheduled city" not in first.text
    assert "Scheduled city" not in client.get(overview).text  # served from the page cache
    time_machine.move_to(due + timedelta(milliseconds=50), tick=False)
    publish_scheduled()  # the task enqueued for that moment
    assert "Scheduled city" in client.get(overview).text


class TestNothingNonPublicIsNamedThroughARelation:
    """A page, an export or the sitemap may name a related item (a successor program, a
    cover photo, a gallery photo) only when the visitor could open it too."""

    DRAFT_NAMES = ("Centros Wawa", "Centros Wawa en preparación")
    DRAFT_ALT = "A half-finished view of the plaza"

    @pytest.fixture
    def quito(self):
        load_seed()
        quito = City.objects.get(slug="quito")
        # The seed's public replacement (Bájale al Acoso by Cero Acoso) would say "Replaced by".
        Program.objects.filter(city=quito, slug="bajale-al-acoso").update(
            lifecycle=Program.Lifecycle.ENDED, replaced_by=None
        )
        successor = make_program(
            quito, name_en="Centros Wawa", name_es="Centros Wawa en preparación"
        )
        successor.status = Status.DRAFT
        successor.save()
        replaced = Program.objects.get(city=quito, slug="guagua-centros")
        replaced.lifecycle, replaced.replaced_by = Program.Lifecycle.REPLACED, successor
        replaced.save()
        draft_photo = make_photo(city=quito, alt_text=self.DRAFT_ALT, status=Status.DRAFT)
        quito.cover_photo = draft_photo
        quito.save()
        return quito

    def public_addresses(self, city):
        addresses = ["/sitemap.xml", "/data/learning-cities.json"]
        addresses += [f"/data/{name}.csv" for name in ("cities", "programs", "photos")]
        for language in ("es", "en"):
            with translation.override(language):
                addresses.append(city.get_absolute_url())
                addresses += [reverse(name) for name in PUBLIC_PAGES]
                addresses.append(reverse("cities:search") + "?q=guagua")
        return addresses

    def test_a_draft_successor_or_photo_is_named_nowhere_public(self, client, quito):
        for address in self.public_addresses(quito):
            response = client.get(address)
            assert response.status_code == 200, address
            text = response.content.decode()
            for hidden in (*self.DRAFT_NAMES, self.DRAFT_ALT, "Replaced by", "Reemplazado por"):
                assert hidden not in text, (address, hidden)
        for language, replaced in (("en", "Replaced"), ("es", "Reemplazado")):
            with translation.override(language):
                page = client.get(quito.get_absolute_url()).content.decode()
            assert "Guagua Centros" in page
            assert "lifecycle--replaced" in page and replaced in page
        programs = client.get("/data/learning-cities.json").json()["cities"][1]["programs"]
        assert {p["slug"]: p["replaced_by"] for p in programs}["guagua-centros"] is None

    def test_staff_who_may_view_programs_still_see_the_draft_successor(self, client, quito):
        # Someone else's draft photo: seen by those who may handle others' photos (issue 17).
        client.force_login(
            staff_with("view_city", "view_program", "view_photo", "change_others_photos")
        )
        with translation.override("en"):
            page = client.get(quito.get_absolute_url()).content.decode()
            successor_url = Program.objects.get(name_en="Centros Wawa").get_absolute_url()
        assert f'Replaced by <a href="{successor_url}">Centros Wawa</a>' in page
        assert self.DRAFT_ALT in page

    def test_the_preview_names_only_what_will_be_public(self, client, quito):
        client.force_login(staff_with("change_city", "view_program", "view_photo"))
        with translation.override("en"):
            page = client.get(reverse("cities:preview", kwargs={"slug": "quito"})).text
        assert "Guagua Centros" in page
        assert "Centros Wawa" not in page and "Replaced by" not in page
        assert self.DRAFT_ALT not in page
