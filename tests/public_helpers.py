"""Helpers shared by the public site's tests."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_city, make_criterion, make_program

PUBLIC_PAGES = [
    "cities:overview",
    "cities:directory",
    "cities:criteria",
    "cities:map",
    "cities:credits",
    "cities:search",
]


def load_seed():
    call_command("load_seed", stdout=StringIO())


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_cities(number, criterion=None):
    """Published cities, each with a cover, two programs and a draft program."""
    criterion = criterion or make_criterion()
    for index in range(number):
        city = make_city(province=f"Province {index}", latitude="-1.5", longitude="-78.5")
        make_program(city, criteria=[criterion])
        make_program(city, criteria=[criterion])
        make_program(city, criteria=[criterion], status="draft")
