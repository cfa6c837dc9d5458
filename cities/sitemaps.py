from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import City


class CitySitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return City.objects.published().order_by("slug")

    def lastmod(self, city):
        return city.updated_at


class PageSitemap(Sitemap):
    """The pages that list cities change whenever a published city does."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        self.latest = City.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        return [
            "cities:overview",
            "cities:directory",
            "cities:criteria",
            "cities:map",
            "cities:credits",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest


SITEMAPS = {"pages": PageSitemap, "cities": CitySitemap}
