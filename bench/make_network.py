"""Fill the database named by DATABASE_URL with a large generated network, for benchmarks.

Usage: DATABASE_URL=... python bench/make_network.py --cities 500 --programs 5 --photos 3
The seed content is loaded first; generated cities fill the network up to --cities.
"""

import argparse
import io
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcities.settings")
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from PIL import Image  # noqa: E402

from cities.models import City, Criterion, Photo, Program, Status  # noqa: E402

NARRATIVE = (
    "The city joined the UNESCO Global Network of Learning Cities to bring learning to every "
    "neighbourhood: libraries, community centres and schools open their doors to families, "
    "workers and older adults, and the municipality plans with universities and citizens. "
)


def jpeg(index):
    buffer = io.BytesIO()
    colour = (40 + index * 37 % 180, 90 + index * 53 % 120, 120 + index * 29 % 100)
    Image.new("RGB", (1200, 750), colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


@transaction.atomic
def make_network(total_cities, programs_per_city, photos_per_city):
    call_command("load_seed", verbosity=0)
    criteria = list(Criterion.objects.all())
    start = City.objects.count()
    for index in range(start, total_cities):
        city = City.objects.create(
            name=f"Ciudad {index:03d}",
            slug=f"ciudad-{index:03d}",
            province=f"Provincia {index % 24}",
            year_joined=2013 + index % 12,
            tagline="Learning in every neighbourhood.",
            narrative=NARRATIVE * 2,
            status=Status.PUBLISHED,
        )
        image_name = default_storage.save(f"bench/ciudad-{index:03d}.jpg", ContentFile(jpeg(index)))
        photos = Photo.objects.bulk_create(
            Photo(
                image=image_name,
                width=1200,
                height=750,
                title=f"View {number} of {city.name}",
                alt_text=f"A street of {city.name} with trees and low houses",
                author="Bench photographer",
                city=city,
                order=number,
                status=Status.PUBLISHED,
            )
            for number in range(photos_per_city)
        )
        city.cover_photo = photos[0]
        city.save(update_fields=["cover_photo"])
        for number in range(programs_per_city):
            program = Program.objects.create(
                city=city,
                name=f"Program {number} of {city.name}",
                slug=f"program-{number}",
                summary="Courses, workshops and mentoring for people of all ages.",
                order=number,
                status=Status.PUBLISHED,
            )
            program.criteria.set(criteria[number % len(criteria) :][:2])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=500)
    parser.add_argument("--programs", type=int, default=5, help="programs per generated city")
    parser.add_argument("--photos", type=int, default=3, help="photos per generated city")
    args = parser.parse_args()
    make_network(args.cities, args.programs, args.photos)
    if connection.vendor == "postgresql":
        # Statistics, as after any bulk load: without them the planner reads whole tables
        # rather than use the search indexes (autovacuum would analyze them later).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{City.objects.count()} cities, {Program.objects.count()} programs, "
        f"{Photo.objects.count()} photos"
    )
