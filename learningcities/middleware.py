import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a client should wait before retrying while the database is away.
DATABASE_RETRY_AFTER = 30


class RequestBodyLimitMiddleware:
    """Refuses request bodies the site never needs, before anything reads them.

    Only the admin (and its login) takes posted forms; public pages answer GET and HEAD. A
    body larger than MAX_REQUEST_BODY, as its Content-Length announces, is refused before a
    byte of it is read, so that no upload handler writes it to the temporary folder. A body
    without Content-Length (chunked) needs no counting: Django reads no more of a body than
    its Content-Length says, none at all without one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            return self.get_response(request)
        if not request.path_info.startswith("/" + settings.ADMIN_URL):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads nothing of a body whose length it cannot read
        if length > settings.MAX_REQUEST_BODY:
            return HttpResponse(_("The request is too large."), status=413)
        return self.get_response(request)


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
