"""Open data: stable addresses, outside the language prefix (each file holds both)."""

from django.urls import path

from . import opendata

app_name = "data"

urlpatterns = [
    path("learning-cities.json", opendata.json_view, name="json"),
    path("cities.csv", opendata.cities_csv, name="cities_csv"),
    path("programs.csv", opendata.programs_csv, name="programs_csv"),
    path("criteria.csv", opendata.criteria_csv, name="criteria_csv"),
    path("photos.csv", opendata.photos_csv, name="photos_csv"),
]
