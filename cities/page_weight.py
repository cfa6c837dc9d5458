"""What a public page weighs for its visitor, measured on its preview before it is published:
its HTML as the site sends it (gzip) and its images, each at the largest file it may load (the
widest candidate of its first `srcset`, which a wide screen of high density takes), against
the budgets below. Stylesheets and fonts are the same on every page and kept under their own
budgets (tests/test_budgets.py); the public pages have no scripts.
"""

import gzip
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve

from .models import Photo

# The budgets stated to editors: the overview's HTML budget of tests/test_budgets.py, and
# about what a phone on a slow 3G connection loads in ten seconds for the images.
HTML_BUDGET = 40 * 1024
IMAGES_BUDGET = 1500 * 1024
_CANDIDATE = re.compile(r"\s*(\S+)\s+(\d+)w\s*")


@dataclass
class PageWeight:
    html: int  # bytes, compressed as sent
    images: int  # bytes, each image's largest file
    image_count: int
    unknown: int  # images whose file could not be found (not counted)

    html_budget: int
    images_budget: int

    @property
    def within_budget(self):
        return self.html <= self.html_budget and self.images <= self.images_budget


def _widest(srcset):
    """The address of the widest candidate of a `srcset`, or None."""
    candidates = [
        (int(match.group(2)), match.group(1))
        for candidate in (srcset or "").split(",")
        if (match := _CANDIDATE.fullmatch(candidate))
    ]
    return max(candidates)[1] if candidates else None


class _Images(HTMLParser):
    """The address of the largest file each image of a page may load: in a <picture>, from
    its first <source> (AVIF or WebP, which today's browsers take), else from its <img>."""

    def __init__(self):
        super().__init__()
        self.addresses = []
        self.in_picture = False
        self.first_source = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "picture":
            self.in_picture, self.first_source = True, None
        elif tag == "source" and self.in_picture and self.first_source is None:
            self.first_source = _widest(attributes.get("srcset"))
        elif tag == "img":
            address = (
                (self.in_picture and self.first_source)
                or _widest(attributes.get("srcset"))
                or attributes.get("src")
            )
            if address:
                self.addresses.append(address)

    def handle_endtag(self, tag):
        if tag == "picture":
            self.in_picture = False


def stored_name(address):
    """The storage name of a photo file at `address` (public media or the checked view of a
    photo's files), or None."""
    path = unquote(urlsplit(address).path)
    media = "/" + settings.MEDIA_URL.lstrip("/")
    if path.startswith(media):
        return path[len(media) :]
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name != "photo_file":
        return None
    photo = Photo.objects.filter(pk=match.kwargs["pk"]).first()
    return photo and photo.stored_file(match.kwargs["name"])


def page_weight(html):
    """The weight of the page whose HTML (bytes) is `html`."""
    parser = _Images()
    parser.feed(html.decode())
    total = unknown = 0
    for address in parser.addresses:
        name = stored_name(address)
        if name and default_storage.exists(name):
            total += default_storage.size(name)
        else:
            unknown += 1
    return PageWeight(
        html=len(gzip.compress(html)),
        images=total,
        image_count=len(parser.addresses),
        unknown=unknown,
        html_budget=HTML_BUDGET,
        images_budget=IMAGES_BUDGET,
    )
