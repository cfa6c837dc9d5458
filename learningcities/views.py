"""Site-wide views that belong to no app: health check, security.txt, uploaded media."""

import base64
import datetime
import functools
import hashlib
import logging
import re
import shutil
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.http import JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def sandboxed_media(response):
    """An uploaded file is never a page: no script, plugin or form may run from it, even if
    it was opened directly; nosniff keeps browsers to the type it is served with."""
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# A load balancer gives up after a few seconds; answer well within that, even when a
# backend hangs.
HEALTH_TIMEOUT = 1.5


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # This runs in a worker thread, whose connection nobody else would close.
        connections.close_all()


def check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("value written was not read back")
    cache.delete(key)


def check_media_storage():
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as probe:
            if probe.read() != b"ok":
                raise RuntimeError("file written was not read back")
    finally:
        default_storage.delete(name)


class DiskNearlyFull(Exception):
    pass


def check_disk():
    """Free space where uploads are written: the temporary folder, and media on this machine."""
    folders = [Path(tempfile.gettempdir())]
    if not settings.AWS_STORAGE_BUCKET_NAME:
        folders.append(Path(settings.MEDIA_ROOT))
    for folder in folders:
        # MEDIA_ROOT is made with the first upload: until then its parent's disk is the one.
        existing = next(path for path in (folder, *folder.parents) if path.exists())
        free_mb = shutil.disk_usage(existing).free // (1024 * 1024)
        if free_mb < settings.HEALTH_MIN_FREE_DISK_MB:
            raise DiskNearlyFull(f"{free_mb} MB free in {folder}")


HEALTH_CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "media_storage": check_media_storage,
    "disk": check_disk,
}
# Failures that leave the server able to answer: without the cache pages are made afresh
# (slower, correct), and a nearly full disk still takes small writes. A load balancer must
# keep such a server, so they are reported as "degraded" with a 200.
DEGRADED_ONLY = {"cache", "disk"}


@never_cache
def healthz(request):
    """200 "ok", or 200 "degraded" when only the cache or the disk fail (see DEGRADED_ONLY),
    else 503 "unavailable"; each check names its failure."""
    # In parallel threads, so that one hanging backend cannot delay the answer past the timeout.
    executor = ThreadPoolExecutor(max_workers=len(HEALTH_CHECKS))
    futures = {name: executor.submit(check) for name, check in HEALTH_CHECKS.items()}
    wait(futures.values(), timeout=HEALTH_TIMEOUT)
    executor.shutdown(wait=False, cancel_futures=True)
    checks = {}
    for name, future in futures.items():
        if not future.done():
            checks[name] = "timeout"
        elif isinstance(future.exception(), DiskNearlyFull):
            logger.error("Health check %s: %s", name, future.exception())
            checks[name] = f"low: {future.exception()}"
        elif future.exception() is not None:
            logger.error("Health check %s failed: %r", name, future.exception())
            checks[name] = f"error: {type(future.exception()).__name__}"
        else:
            checks[name] = "ok"
    failing = {name for name, result in checks.items() if result != "ok"}
    status = "ok" if not failing else "degraded" if failing <= DEGRADED_ONLY else "unavailable"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
    )


def security_txt(request):
    """RFC 9116: where to report a vulnerability. Expires is kept a quarter ahead."""
    expires = timezone.now().replace(microsecond=0) + datetime.timedelta(days=90)
    return render(
        request,
        "well-known/security.txt",
        {
            "contact": settings.SECURITY_CONTACT,
            "expires": expires.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
            "canonical": request.build_absolute_uri(),
        },
        content_type="text/plain; charset=utf-8",
    )


@functools.cache
def error_page_style_source():
    """The CSP source allowing the one inline <style> of the standalone error pages."""
    source = loader.get_template("errors/standalone.html").template.source
    style = re.search(r"<style>(.*?)</style>", source, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def with_error_page_style(response):
    # Standalone error pages cannot rely on static files: their style is inline, allowed by
    # its hash.
    response._csp_update = {"style-src": [error_page_style_source()]}
    return response


def server_error(request):
    return with_error_page_style(defaults.server_error(request))


def bad_request(request, exception):
    """400, e.g. for an unknown Host: standalone, since the site's pages need a valid host."""
    return with_error_page_style(defaults.bad_request(request, exception))
