from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("cities/<slug:slug>/", views.CityDetailView.as_view(), name="detail"),
    path("cities/<slug:slug>/preview/", views.CityPreviewView.as_view(), name="preview"),
]
