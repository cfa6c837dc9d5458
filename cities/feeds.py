"""The network's news as an Atom feed, one per language: member cities, programs and UNESCO
Learning City Awards as they appear on the public site."""

from datetime import datetime
from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import City, LearningCityAward, Program
from .seo import absolute_url, description

# Entries in the feed; readers keep what they have already seen.
ENTRIES = 30


class Entry(NamedTuple):
    title: str
    summary: str
    link: str  # absolute
    id: str  # absolute, unique in the feed and stable
    published: datetime
    updated: datetime


def public_since(item, fallback):
    """When an item went public; one published without a date (by a bulk update) counts
    from `fallback`, a moment it was last changed."""
    return item.published_at or fallback


def city_entries(request, cities):
    for city in cities:
        link = absolute_url(request, city.get_absolute_url())
        published = public_since(city, city.updated_at)
        yield Entry(
            _("New member city: %(city)s") % {"city": city.name},
            description(city),
            link,
            link,
            published,
            # A scheduled city may go public after its last change.
            max(published, city.updated_at),
        )


def program_entries(request, programs):
    for program in programs:
        link = absolute_url(request, program.get_absolute_url())
        title = _("New program in %(city)s: %(program)s")
        published = public_since(program, program.city.updated_at)
        yield Entry(
            title % {"city": program.city.name, "program": program.name},
            program.summary,
            link,
            link,
            published,
            published,
        )


def award_entries(request, awards):
    for award in awards:
        link = absolute_url(request, award.city.get_absolute_url())
        # An award has no date of its own on the site: it is news from the start of its
        # round's year in Ecuador (in UTC, readers saw it on 31 December at 19:00), or from its
        # city's publication if that came later.
        city_since = public_since(award.city, award.city.updated_at)
        moment = max(timezone.make_aware(datetime(award.year, 1, 1)), city_since)
        yield Entry(
            _("%(city)s receives the UNESCO Learning City Award %(year)s")
            % {"city": award.city.name, "year": award.year},
            description(award.city),
            link,
            f"{link}#award-{award.year}",
            moment,
            moment,
        )


def network_news(request):
    """The newest public cities, programs and awards, newest first."""
    newest_first = F("published_at").desc(nulls_last=True)
    cities = City.objects.published().order_by(newest_first)[:ENTRIES]
    programs = Program.objects.public().select_related("city").order_by(newest_first)
    awards = (
        LearningCityAward.objects.filter(city__in=City.objects.published())
        .select_related("city")
        .order_by("-year")
    )
    entries = [
        *city_entries(request, cities),
        *program_entries(request, programs[:ENTRIES]),
        *award_entries(request, awards[:ENTRIES]),
    ]
    return sorted(entries, key=lambda entry: entry.published, reverse=True)[:ENTRIES]


class NetworkFeed(Feed):
    """What is new in the network, in the language of the address (/es/feed/, /en/feed/)."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        # The request is handed to the methods below: the feed object serves every request.
        return request

    def title(self, request):
        return _("Learning Cities of Ecuador: what is new")

    def subtitle(self, request):
        return _("New member cities, programs and UNESCO Learning City Awards.")

    def author_name(self, request):
        return _("Learning Cities")

    def link(self, request):
        return absolute_url(request, reverse("cities:overview"))

    def feed_url(self, request):
        return absolute_url(request, reverse("cities:feed"))

    def feed_guid(self, request):
        return self.feed_url(request)

    def items(self, request):
        return network_news(request)

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.summary or None  # no empty <summary>

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.id

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated
