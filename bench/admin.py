"""Time the admin's heaviest pages on a large network, in the database named by DATABASE_URL.

Usage (after bench/make_network.py filled that database with 500 cities):
    DJANGO_DEBUG=on DATABASE_URL=... python bench/admin.py
Grows one city to 50 programs and 30 photos, then prints for its change form and for the
city, program and photo lists the number of queries and the median time of the whole page
over 20 requests by a logged-in editor (in-process, Django's test client).
"""

import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcities.settings")
os.environ.setdefault("DJANGO_REQUIRE_2FA", "off")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from cities.models import City, Criterion, Photo, Program, Status  # noqa: E402

REPEAT = 20
PROGRAMS, PHOTOS = 50, 30


def grow(city):
    """Brings `city` to PROGRAMS programs (two criteria each) and PHOTOS photos."""
    criteria = list(Criterion.objects.all())
    image = city.photos.first().image.name
    for number in range(city.programs.count(), PROGRAMS):
        program = Program.objects.create(
            city=city,
            name=f"Extra program {number}",
            slug=f"extra-{number}",
            summary="Courses, workshops and mentoring for people of all ages.",
            order=number,
            status=Status.PUBLISHED,
        )
        program.criteria.set(criteria[number % len(criteria) :][:2])
    Photo.objects.bulk_create(
        Photo(
            image=image,
            width=1200,
            height=750,
            title=f"Extra view {number}",
            alt_text="A street with trees and low houses",
            author="Bench photographer",
            city=city,
            order=number,
            status=Status.PUBLISHED,
        )
        for number in range(city.photos.count(), PHOTOS)
    )


def main():
    city = City.objects.filter(photos__isnull=False).order_by("-pk").first()
    grow(city)
    editor, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    pages = {
        f"city form ({PROGRAMS} programs, {PHOTOS} photos)": reverse(
            "admin:cities_city_change", args=[city.pk]
        ),
        "city list": reverse("admin:cities_city_changelist"),
        "program list": reverse("admin:cities_program_changelist"),
        "photo list": reverse("admin:cities_photo_changelist"),
        "city search “jovenes”": reverse("admin:cities_city_changelist") + "?q=jovenes",
    }
    print(
        f"{connection.vendor}: {City.objects.count()} cities, {Program.objects.count()} "
        f"programs, {Photo.objects.count()} photos"
    )
    for label, url in pages.items():
        client.get(url)  # the first opening records the editing session
        connection.queries_log.clear()  # debug mode keeps at most 9,000: start from none
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        print(
            f"  {label:40} {len(queries):3d} queries  "
            f"median {statistics.median(times) * 1000:7.1f} ms",
            flush=True,
        )


if __name__ == "__main__":
    main()
