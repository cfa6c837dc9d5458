import logging
import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a client should wait before retrying while the database is away.
DATABASE_RETRY_AFTER = 30


class RequestBodyLimitMiddleware:
    """Refuses request bodies the site never needs, before anything reads them.

    Only the admin (and its login) takes posted forms, and on the public side the comment
    form of a shared preview (PUBLIC_FORMS); public pages answer GET and HEAD. The
    admin's photo addresses (UPLOAD_ADDRESSES) take up to MAX_REQUEST_BODY from a logged-in
    person, every other admin form (and anonymous posts to those) up to MAX_FORM_BODY. A
    larger body, as its Content-Length announces, is refused before a byte of it is read, so
    that no upload handler writes it to the temporary folder. A body without Content-Length
    (chunked) needs no counting: Django reads no more of a body than its Content-Length says,
    none at all without one. The front of `make serve` applies the same limits.
    """

    # Under the admin: the city form (its photo inline) and the photo form take files.
    UPLOAD_ADDRESSES = ("cities/city/", "cities/photo/")
    # Public addresses that take a small form: a comment on a preview shared by a link.
    PUBLIC_FORMS = re.compile(r"/[\w-]+/preview/shared/[^/]+/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            return self.get_response(request)
        admin = "/" + settings.ADMIN_URL
        if not (
            request.path_info.startswith(admin) or self.PUBLIC_FORMS.fullmatch(request.path_info)
        ):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads nothing of a body whose length it cannot read
        uploads = tuple(admin + address for address in self.UPLOAD_ADDRESSES)
        limit = settings.MAX_FORM_BODY
        if length > limit and request.path_info.startswith(uploads) and self.is_logged_in(request):
            limit = settings.MAX_REQUEST_BODY
        if length > limit:
            return HttpResponse(_("The request is too large."), status=413)
        return self.get_response(request)

    @staticmethod
    def is_logged_in(request):
        """Whether the session cookie names a logged-in session: only a person who may upload
        photos gets their large body read (one query, and only for such bodies)."""
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        store = import_module(settings.SESSION_ENGINE).SessionStore
        return session_key is not None and SESSION_KEY in store(session_key)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header, which Django's SecurityMiddleware does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """Answers a branded 503 while the database cannot be reached, instead of a 500.

    Django drops a broken connection at the end of the request and the next request opens
    a new one, so the site recovers by itself when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        response = render(request, "errors/503_database.html", status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response
