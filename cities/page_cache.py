"""Whole-page caching of public pages for anonymous visitors, with exact invalidation.

Every cached page is keyed by the content version (`ContentVersion`). Any change to the
content (save, delete, many-to-many change of any model of this app) bumps the version, so
the next request renders afresh; stale entries are never read again and expire on their own.

Views opt in with `cache_public_page`; `PublicPageCacheMiddleware`, near the top of the
middleware stack, stores their pages and answers from the cache before the rest of the stack
runs. A stored page already carries every header the inner middleware added (CSP, ETag,
Content-Language, Vary, gzip), so a cache hit costs one small query and one cache read.

Visitors choose addresses, so they must not choose how much is stored: each view declares
the query parameters it reads, others are dropped from the request before the key is made
(and before the page is rendered, so no visitor's parameters end up in a page kept for
everyone); a page is stored only when the view accepted every value given (a page number as
it shows it, a form without errors); and each page keeps at most MAX_VARIANTS addresses with
a query string per content version.
"""

import hashlib
import logging
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, urlencode
from redis.exceptions import RedisError

from .models import ContentVersion

logger = logging.getLogger(__name__)

PAGE_TIMEOUT = 60 * 60 * 24
# Search keys are chosen by visitors: a short life bounds how many can pile up in the cache.
SEARCH_TIMEOUT = 60 * 10
# The test GZipMiddleware applies: a compressed page is stored apart from a plain one.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Addresses with a query string (filters, page numbers, searches) kept per page and content
# version: the directory's real filter combinations fit; a flood of searches stops here.
MAX_VARIANTS = 200
# Outside the language prefixes, only the open data is cached.
DATA_PREFIX = "/data/"
# After a cache error a server process makes pages without the cache for this long, so that
# an unreachable Redis costs one timeout now and then, not one per request.
CACHE_RETRY_SECONDS = 5


# Set while `one_invalidation()` runs: the changes made meanwhile, counted instead of bumped.
_deferred_changes = ContextVar("deferred_changes", default=None)


def invalidate_public_pages(sender, **kwargs):
    """Signal receiver: content changed, so every cached page is out of date."""
    deferred = _deferred_changes.get()
    if deferred is None:
        ContentVersion.bump()
    else:
        deferred.append(sender)


@contextmanager
def one_invalidation():
    """The cached pages made stale once for all the changes made inside, at the end, rather
    than once per row saved: loading the seed saves hundreds of rows, and each bump looks up
    the next scheduled publication. Used inside one transaction, the pages made meanwhile by
    other processes cannot see the changes, so a bump at the end stales nothing fresh."""
    changes = []
    token = _deferred_changes.set(changes)
    try:
        yield
    finally:
        _deferred_changes.reset(token)
    if changes:
        ContentVersion.bump()


def cache_public_page(view, timeout=PAGE_TIMEOUT, query=()):
    """Mark a view's pages as public: the same for every anonymous visitor, so cacheable.

    `query` names the query parameters the view reads; the cache ignores any other.
    """

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
        elif accepts_query(request, response):
            response.public_page_timeout = timeout
            # The front of `make serve` (nginx) keeps the page this long; it reads nothing else
            # of the response to decide, so nothing without this header is ever kept there.
            response["X-Accel-Expires"] = str(settings.FRONT_CACHE_SECONDS)
        return response

    public_view.public_query = tuple(query)
    return public_view


def accepts_query(request, response):
    """Whether the view took every value given as it is: a page number written as the page
    shows it (not "01" or "last") and a form without errors (no unknown filter value)."""
    context = getattr(response, "context_data", None) or {}
    page = context.get("page_obj")
    if "page" in request.GET and (page is None or request.GET["page"] != str(page.number)):
        return False
    form = context.get("form")
    return form is None or not form.errors


class PublicPageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for public pages from the cache.

    A visitor logged in (an editor, say) always gets a freshly made page. While the cache
    fails (Redis unreachable), every visitor does: slower, but correct.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.cache_retry_at = 0.0
        self.public_prefixes = (
            *(f"/{code}/" for code, _name in settings.LANGUAGES),
            DATA_PREFIX,
        )
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        if not self.may_be_cached(request):
            return self.get_response(request)
        try:
            if self.is_logged_in(request):
                return self.get_response(request)
            content = ContentVersion.current()
        except DatabaseError:
            # The inner stack answers with the branded "database unavailable" page.
            return self.get_response(request)
        if request.META.get("QUERY_STRING") and not self.keep_used_parameters(request):
            return self.get_response(request)
        try:
            key = self.key(request, content.version)
        except DisallowedHost:
            # Refused further in, where the response gets the headers of every other page.
            return self.get_response(request)
        if time.monotonic() < self.cache_retry_at:
            return self.get_response(request)
        try:
            response = cache.get(key)
        except RedisError as error:
            self.cache_failed(error)
            return self.get_response(request)
        if response is None:
            response = self.get_response(request)
            try:
                self.store(request, content, key, response)
            except RedisError as error:
                self.cache_failed(error)
        if response.status_code != 200:
            return response
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )

    def store(self, request, content, key, response):
        if self.is_public(response) and self.may_store(request, content.version, response):
            response["Last-Modified"] = http_date(content.changed_at.timestamp())
            cache.set(key, response, response.public_page_timeout)

    def cache_failed(self, error):
        logger.warning("Page cache unavailable, pages are made without it: %r", error)
        self.cache_retry_at = time.monotonic() + CACHE_RETRY_SECONDS

    def may_be_cached(self, request):
        return request.method in ("GET", "HEAD") and request.path_info.startswith(
            self.public_prefixes
        )

    def is_logged_in(self, request):
        """Whether the session cookie names a session with a logged-in user.

        A cookie naming no such session (made up, expired, or an anonymous one) is dropped
        from the request: the page is then made as for any visitor and may be stored, where
        the session middleware would otherwise delete or renew the cookie in the response,
        which no visitor may share. Without this, a made-up cookie skipped the cache.
        """
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key is None:
            return False
        if SESSION_KEY in self.session_store(session_key):
            return True
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if name != settings.SESSION_COOKIE_NAME
        }
        return False

    @staticmethod
    def keep_used_parameters(request):
        """Drop the query parameters the page does not read (e.g. utm_source), so that they
        make no new entry; the page is made from the address without them. False when the
        address is no cached page."""
        path = request.path_info
        # Public pages are matched in the language of their prefix; the locale middleware,
        # which sets it, runs further in.
        language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
        try:
            with translation.override(language):
                view = resolve(path).func
        except Resolver404:
            return False
        used = getattr(view, "public_query", None)
        if used is None:
            return False
        # Each in the order declared, with the value views read (the last one given).
        query = urlencode([(name, request.GET[name]) for name in used if name in request.GET])
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)
        return True

    @staticmethod
    def may_store(request, version, response):
        """Each page keeps at most MAX_VARIANTS addresses with a query string per version."""
        if not request.META.get("QUERY_STRING"):
            return True
        counter = f"public-page-variants:{version}:{request.path_info}"
        cache.add(counter, 0, response.public_page_timeout)
        try:
            return cache.incr(counter) <= MAX_VARIANTS
        except ValueError:  # the counter just expired: store nothing this time
            return False

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
