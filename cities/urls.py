from django.urls import path

from . import views
from .feeds import NetworkFeed
from .page_cache import SEARCH_TIMEOUT, cache_public_page

app_name = "cities"

urlpatterns = [
    path("", cache_public_page(views.OverviewView.as_view(), query=["page"]), name="overview"),
    path(
        "cities/",
        cache_public_page(
            views.DirectoryView.as_view(), query=["year", "province", "criterion", "page"]
        ),
        name="directory",
    ),
    path("cities/<slug:slug>/", cache_public_page(views.CityDetailView.as_view()), name="detail"),
    path("cities/<slug:slug>/preview/", views.CityPreviewView.as_view(), name="preview"),
    path("preview/changes/<int:pk>/", views.draft_preview, name="draft_preview"),
    path("preview/shared/<str:token>/", views.shared_preview, name="shared_preview"),
    path(
        "criteria/",
        cache_public_page(views.CriteriaMatrixView.as_view(), query=["page"]),
        name="criteria",
    ),
    path("map/", cache_public_page(views.MapView.as_view()), name="map"),
    path(
        "photo-credits/",
        cache_public_page(views.PhotoCreditsView.as_view(), query=["page"]),
        name="credits",
    ),
    path(
        "search/",
        cache_public_page(views.SearchView.as_view(), timeout=SEARCH_TIMEOUT, query=["q"]),
        name="search",
    ),
    path("feed/", cache_public_page(NetworkFeed()), name="feed"),
]
