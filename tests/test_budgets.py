"""Weight budgets: the site must stay light on a slow phone connection."""

import gzip
import re

import pytest
from django.conf import settings
from django.core.management import call_command

STATIC = settings.BASE_DIR / "static"
KB = 1024


def total_size(pattern):
    return sum(path.stat().st_size for path in STATIC.glob(pattern))


@pytest.mark.django_db
def test_overview_html_stays_under_40_kb_compressed(client):
    call_command("load_seed", verbosity=0)
    html = client.get("/en/").content
    assert len(gzip.compress(html)) <= 40 * KB


def test_public_css_stays_under_30_kb():
    # What visitors load; the admin's own styles are counted apart, as its scripts are.
    public = [path for path in STATIC.glob("**/*.css") if "admin" not in path.parts]
    assert 0 < sum(path.stat().st_size for path in public) <= 30 * KB


def test_the_admins_own_css_stays_under_20_kb():
    assert 0 < total_size("cities/admin/*.css") <= 20 * KB


def test_public_javascript_stays_under_10_kb():
    # The public pages work without scripts; the admin's own are counted apart.
    public = [path for path in STATIC.glob("**/*.js") if "admin" not in path.parts]
    assert sum(path.stat().st_size for path in public) <= 10 * KB


def test_the_admins_own_javascript_stays_under_28_kb():
    # 20 KB until autosave (3.6 KB) came; each change form loads a part of it.
    assert 0 < total_size("cities/admin/*.js") <= 28 * KB


@pytest.mark.django_db
def test_pages_load_nothing_from_other_sites(client):
    call_command("load_seed", verbosity=0)
    for url in ("/en/", "/en/cities/quito/"):
        html = client.get(url).content.decode()
        sources = re.findall(
            r'<(?:script|link|img|source)\b[^>]*(?:src|href|srcset)="([^"]+)"', html
        )
        assert sources
        # Canonical and hreflang links name this site's own pages with absolute addresses.
        foreign = [
            source
            for source in sources
            if re.match(r"(https?:)?//", source) and not source.startswith("http://testserver/")
        ]
        assert not foreign
