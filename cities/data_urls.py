"""Open data: stable addresses, outside the language prefix (each file holds both).

The files are cached like the pages (same content version, 304s, gzip): at hundreds of
cities the JSON takes a second to make.
"""

from django.urls import path

from . import opendata
from .page_cache import cache_public_page

app_name = "data"

urlpatterns = [
    path("learning-cities.json", cache_public_page(opendata.json_view), name="json"),
    path("cities.csv", cache_public_page(opendata.cities_csv), name="cities_csv"),
    path("programs.csv", cache_public_page(opendata.programs_csv), name="programs_csv"),
    path("criteria.csv", cache_public_page(opendata.criteria_csv), name="criteria_csv"),
    path("photos.csv", cache_public_page(opendata.photos_csv), name="photos_csv"),
]
