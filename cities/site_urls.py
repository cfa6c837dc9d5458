"""The app's addresses at the site's root, outside the language prefix: sitemap.xml lists
the pages of both languages; a photo's file is the same in every language."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from .sitemaps import SITEMAPS
from .views import photo_file

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("photo-files/<int:pk>/<str:name>", photo_file, name="photo_file"),
]
