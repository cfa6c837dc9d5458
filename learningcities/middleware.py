import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

# Seconds a client should wait before retrying while the database is away.
DATABASE_RETRY_AFTER = 30


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
