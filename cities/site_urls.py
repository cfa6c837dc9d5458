"""The app's addresses at the site's root, outside the language prefix: sitemap.xml lists
the pages of both languages."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from .sitemaps import SITEMAPS

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
