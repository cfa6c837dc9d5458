"""Whole-page caching of public pages for anonymous visitors, with exact invalidation.

Every cached page is keyed by the content version (`ContentVersion`). Any change to the
content (save, delete, many-to-many change of any model of this app) bumps the version, so
the next request renders afresh; stale entries are never read again and expire on their own.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from .models import ContentVersion

PAGE_TIMEOUT = 60 * 60 * 24
# Search keys are chosen by visitors: a short life bounds how many can pile up in the cache.
SEARCH_TIMEOUT = 60 * 10


def invalidate_public_pages(sender, **kwargs):
    """Signal receiver: content changed, so every cached page is out of date."""
    ContentVersion.bump()


def cache_public_page(view, timeout=PAGE_TIMEOUT):
    """Serve anonymous GET/HEAD requests from the cache; logged-in users always get a fresh page."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        content = ContentVersion.current()
        # Hashed, so that long query strings make keys every cache backend accepts.
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"public-page:{content.version}:{get_language()}:{path}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            # A page that sets a cookie (a CSRF token, say) belongs to one visitor only.
            if response.status_code == 200 and not response.cookies:
                response["Last-Modified"] = http_date(content.changed_at.timestamp())
                cache.set(key, response, timeout)
        # Shared caches must not hand an anonymous page to a logged-in editor.
        patch_vary_headers(response, ["Cookie"])
        return response

    return cached_view
