from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import City


class BilingualSitemap(Sitemap):
    """Every address in each language, each naming the others and the default (hreflang)."""

    i18n = True
    alternates = True
    x_default = True


def to_the_second(moment):
    """A moment as the sitemap gives it: to the second (its template adds the offset)."""
    return moment.replace(microsecond=0) if moment else None


class CitySitemap(BilingualSitemap):
    changefreq = "monthly"

    def items(self):
        return City.objects.published().order_by("slug")

    def lastmod(self, city):
        return to_the_second(city.updated_at)


class PageSitemap(BilingualSitemap):
    """The pages that list cities change whenever a published city does."""

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
        return to_the_second(self.latest)


SITEMAPS = {"pages": PageSitemap, "cities": CitySitemap}
