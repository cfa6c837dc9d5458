"""Whole-page caching of public pages for anonymous visitors, with exact invalidation.

Every cached page is keyed by the content version (`ContentVersion`). Any change to the
content (save, delete, many-to-many change of any model of this app) bumps the version, so
the next request renders afresh; stale entries are never read again and expire on their own.

Views opt in with `cache_public_page`; `PublicPageCacheMiddleware`, near the top of the
middleware stack, stores their pages and answers from the cache before the rest of the stack
runs. A stored page already carries every header the inner middleware added (CSP, ETag,
Content-Language, Vary, gzip), so a cache hit costs one small query and one cache read.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .models import ContentVersion

PAGE_TIMEOUT = 60 * 60 * 24
# Search keys are chosen by visitors: a short life bounds how many can pile up in the cache.
SEARCH_TIMEOUT = 60 * 10
# The test GZipMiddleware applies: a compressed page is stored apart from a plain one.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def invalidate_public_pages(sender, **kwargs):
    """Signal receiver: content changed, so every cached page is out of date."""
    ContentVersion.bump()


def cache_public_page(view, timeout=PAGE_TIMEOUT):
    """Mark a view's pages as public: the same for every anonymous visitor, so cacheable."""

    @wraps(view)
    def public_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # Shared caches must not hand an anonymous page to a logged-in editor.
        patch_vary_headers(response, ["Cookie"])
        # Browsers and proxies may keep a page but must ask first (a 304 while it is
        # unchanged); without this they would guess a lifetime and show an old page.
        patch_cache_control(response, no_cache=True)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        else:
            response.public_page_timeout = timeout
        return response

    return public_view


class PublicPageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for public pages from the cache.

    A visitor with a session cookie (an editor, say) always gets a freshly made page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request):
        if not self.may_be_cached(request):
            return self.get_response(request)
        try:
            content = ContentVersion.current()
        except DatabaseError:
            # The inner stack answers with the branded "database unavailable" page.
            return self.get_response(request)
        try:
            key = self.key(request, content.version)
        except DisallowedHost:
            # Refused further in, where the response gets the headers of every other page.
            return self.get_response(request)
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if self.is_public(response):
                response["Last-Modified"] = http_date(content.changed_at.timestamp())
                cache.set(key, response, response.public_page_timeout)
        if response.status_code != 200:
            return response
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )

    def may_be_cached(self, request):
        return (
            request.method in ("GET", "HEAD")
            and request.path_info.startswith(self.public_prefixes)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def key(request, version):
        # The whole address, because pages carry absolute links (canonical, OpenGraph);
        # hashed, so that long query strings make keys every cache backend accepts.
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        encoding = "gzip" if ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")) else ""
        return f"public-page:{version}:{encoding}:{address}"

    @staticmethod
    def is_public(response):
        return (
            getattr(response, "public_page_timeout", None) is not None
            and response.status_code == 200
            and not response.streaming
            # A page that sets a cookie (a CSRF token, say) belongs to one visitor only.
            and not response.cookies
        )
