from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("cities/", views.DirectoryView.as_view(), name="directory"),
    path("cities/<slug:slug>/", views.CityDetailView.as_view(), name="detail"),
    path("criteria/", views.CriteriaMatrixView.as_view(), name="criteria"),
    path("map/", views.MapView.as_view(), name="map"),
    path("search/", views.SearchView.as_view(), name="search"),
]
