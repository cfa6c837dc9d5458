"""The admin stays fast as content grows: a city's change form and the lists open in the
same number of queries with 5 programs and 5 photos as with 50 and 30, and at 4 cities
as at 500."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import Criterion, Photo, Program, Status

from .factories import change_url, in_both_languages, jpeg_bytes, make_city, make_staff
from .test_query_counts_at_scale import grow_network, make_six_criteria

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:cities_city_changelist",
    "admin:cities_program_changelist",
    "admin:cities_photo_changelist",
]


def add_programs_and_photos(city, programs, photos):
    """Bulk-adds programs (two criteria each, every other one replaced by the next) and
    photos to `city`."""
    image = default_storage.save("scale/admin.jpg", ContentFile(jpeg_bytes(800, 500)))
    start = city.programs.count()
    made = Program.objects.bulk_create(
        Program(
            city=city,
            order=number,
            **in_both_languages(
                Program,
                {"name": f"Program {number}", "slug": f"program-{number}", "status": "published"},
            ),
        )
        for number in range(start, programs)
    )
    for program, successor in zip(made[::2], made[1::2], strict=False):
        program.lifecycle, program.replaced_by = Program.Lifecycle.REPLACED, successor
    Program.objects.bulk_update(made, ["lifecycle", "replaced_by"])
    criteria = list(Criterion.objects.all())
    Program.criteria.through.objects.bulk_create(
        Program.criteria.through(program=program, criterion=criteria[(index + step) % 6])
        for index, program in enumerate(made)
        for step in range(2)
    )
    Photo.objects.bulk_create(
        Photo(
            image=image,
            width=800,
            height=500,
            city=city,
            author="Ana",
            status=Status.PUBLISHED,
            **in_both_languages(Photo, {"title": f"View {number}", "alt_text": "A street"}),
        )
        for number in range(city.photos.count(), photos)
    )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def editor(client):
    user = make_staff("Editors")
    client.force_login(user)
    return user


def test_a_city_form_takes_as_many_queries_with_50_programs_and_30_photos_as_with_5(client, editor):
    make_six_criteria()
    city = make_city()
    add_programs_and_photos(city, programs=5, photos=5)
    client.get(change_url(city))  # the first opening records the editor's session once
    small = queries_for(client, change_url(city))
    add_programs_and_photos(city, programs=50, photos=30)
    assert (city.programs.count(), city.photos.count()) == (50, 30)
    large = queries_for(client, change_url(city))
    # 21, one for the draft of unpublished changes the form would show (tests/test_drafts), and
    # one for the texts that may be out of date (tests/test_stale_translations).
    assert large == small == 23


def test_the_lists_take_as_many_queries_at_500_cities_as_at_4(client, editor, settings):
    make_six_criteria()
    grow_network(4)
    for name in CHANGELISTS:  # once each first: the kinds of content are looked up once a process
        client.get(reverse(name))
    small = {name: queries_for(client, reverse(name)) for name in CHANGELISTS}
    grow_network(500)
    large = {name: queries_for(client, reverse(name)) for name in CHANGELISTS}
    assert (
        large
        == small
        == {
            "admin:cities_city_changelist": 12,
            "admin:cities_program_changelist": 13,
            "admin:cities_photo_changelist": 11,
        }
    )
