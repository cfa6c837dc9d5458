"""The admin's pages under the site's Content Security Policy (style-src 'self', script-src
'self' and the request's nonce): no page may carry what the browser then refuses, an inline
style attribute (django-simple-history's history list had one), an inline <script> or
<style> without the nonce, an event-handler attribute or a javascript: address."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from cities import review
from cities.models import City, Program, Status

from .factories import make_staff
from .public_helpers import load_seed

pytestmark = pytest.mark.django_db

ADMIN = "/" + settings.ADMIN_URL
# Not pages: the admin's translations as a script, answers for the editor's scripts, the
# redirect to a public page.
NOT_PAGES = re.compile(rf"^{ADMIN}(jsi18n/|r/)|/(site-pages|editing)/$")


class InlineCode(HTMLParser):
    """The page's links, and what of it the policy refuses."""

    def __init__(self):
        super().__init__()
        self.links, self.refused = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if "style" in attrs:
            self.refused.append(f'<{tag} style="{attrs["style"]}">')
        self.refused += [f"<{tag} {name}=…>" for name in attrs if name.startswith("on")]
        if (attrs.get("href") or "").strip().lower().startswith("javascript:"):
            self.refused.append(f'<{tag} href="{attrs["href"]}">')
        if tag == "script" and not ("src" in attrs or "nonce" in attrs):
            self.refused.append("<script> inline without nonce")
        if tag == "style" and "nonce" not in attrs:
            self.refused.append("<style> inline without nonce")


def pattern(path):
    """Pages of one kind count once: the city form of one city stands for all of them."""
    return re.sub(r"/\d+/", "/N/", path)


@pytest.fixture
def history():
    """The seed, with what makes the admin's other pages show something: a second version of
    Quito (the comparison), a deleted program (the deleted list), a draft awaiting review."""
    load_seed()
    quito = City.objects.get(slug="quito")
    quito.tagline_en = "A city that learns."
    quito.save()
    Program.objects.filter(city=quito).first().delete()
    draft = Program.objects.filter(city=quito).first()
    draft.status = Status.DRAFT
    draft.save()
    awaiting = review.submit(draft, make_staff("Editors"))
    return quito, awaiting


def test_no_admin_page_carries_inline_code_the_policy_refuses(client, superuser, history):
    quito, awaiting = history
    versions = quito.history.order_by("-history_id")
    compare = reverse("admin:cities_city_compare", args=[quito.pk])
    # The admin's index and what no link leads to (a form's GET, a search; the missing
    # translations, which the dashboard links only when some are missing).
    to_visit = [
        ADMIN,
        reverse("admin:cities_missing_translations"),
        reverse("admin:cities_city_simple_history", args=[quito.pk, versions[1].pk]),
        f"{compare}?old={versions[1].pk}&new={versions[0].pk}",
        reverse("admin:cities_city_changelist") + "?q=quito",
        reverse("admin:cities_reviewrequest_review", args=[awaiting.pk]),
    ]
    visited, refused = set(), {}
    while to_visit:
        url = to_visit.pop(0)
        key = pattern(urlsplit(url).path) + ("?" if "?" in url else "")
        if key in visited or NOT_PAGES.search(urlsplit(url).path):
            continue
        visited.add(key)
        response = client.get(url, follow=True)  # a list may redirect to its default filter
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        parser = InlineCode()
        parser.feed(response.content.decode())
        if parser.refused:
            refused[url] = sorted(set(parser.refused))
        for link in parser.links:
            if link.startswith("?"):
                link = urlsplit(url).path + link
            if link.startswith(ADMIN) and "logout" not in link:
                to_visit.append(link)
    # The crawl reached the pages this is about, by following the admin's own links.
    for kind in ("/history/", "/history/N/", "/deleted/", "/delete/", "/missing-translations/"):
        assert any(key.endswith(kind) for key in visited), kind
    assert len(visited) > 40
    assert refused == {}


def test_the_login_page_carries_no_inline_code_either(client):
    html = client.get(reverse("admin:login")).content.decode()
    parser = InlineCode()
    parser.feed(html)
    assert 'name="password"' in html
    assert parser.refused == []
