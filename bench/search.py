"""Time the search page on a large network, in the database named by DATABASE_URL.

Usage (after bench/make_network.py filled that database):
    DJANGO_DEBUG=on DATABASE_URL=... python bench/search.py
Prints, for a few queries, the median time of the whole page (view, search and template)
over 20 requests (the page cache off), and the number of results shown. The first request
makes the process's index of words; the median is that of a search answered from it ("quitto"
is a typo, corrected by pg_trgm on PostgreSQL and difflib on SQLite).
"""

import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcities.settings")
# Without the page cache: it would answer every request but the first.
os.environ["CACHE_URL"] = "dummycache://"
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cities.models import City, Program  # noqa: E402

QUERIES = [
    "jovenes",
    "quito",
    "quitto",
    "adultos mayores",
    "ciudad 4",
    "learning",
    "program 12",
    "x" * 10_000,
]
REPEAT = 20


def main():
    client = Client(HTTP_HOST="127.0.0.1")
    print(
        f"{connection.vendor}: {City.objects.published().count()} published cities, "
        f"{Program.objects.published().count()} published programs"
    )
    for query in QUERIES:
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            response = client.get("/es/search/", {"q": query})
            times.append(time.perf_counter() - start)
        assert response.status_code == 200
        count = response.content.decode().count('<li class="result">')
        label = query if len(query) < 20 else f"{query[:10]}… ({len(query)} chars)"
        print(f"  {label!r:32} {count:5d} shown  median {statistics.median(times) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
