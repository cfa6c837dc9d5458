from django.urls import path

from . import views
from .cache import cache_public_page

app_name = "cities"

urlpatterns = [
    path("", cache_public_page(views.OverviewView.as_view()), name="overview"),
    path("cities/<slug:slug>/", cache_public_page(views.CityDetailView.as_view()), name="detail"),
    path("photo-credits/", cache_public_page(views.PhotoCreditsView.as_view()), name="credits"),
]
