from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("cities/<slug:slug>/", views.CityDetailView.as_view(), name="detail"),
    path("photo-credits/", views.PhotoCreditsView.as_view(), name="credits"),
]
