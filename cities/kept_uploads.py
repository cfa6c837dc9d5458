"""Photos kept for their uploader when a form is refused for another field.

A photo that passed the file checks is stored, already cleaned by `cities.images`, under
`kept-uploads/<random token>/` in the default storage (file system or S3). That folder is
never served (`learningcities.urls.serve_media` refuses it; on S3 the bucket's public read is
limited to `photos/`). The form carries only a signed value binding the uploader, the token
and the form field's name (its prefix included, so each inline row gets its own file back),
never a path; one that was altered, is too old, is someone else's or names a file gone since
is refused with a message asking for the file again. Kept files are removed when the photo
is saved, and the abandoned ones after KEPT_UPLOAD_MAX_AGE_HOURS by `remove_kept_uploads`.
"""

import datetime
import logging
import re
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.storage import KEPT_UPLOADS_PREFIX as PREFIX
from learningcities.storage import STORAGE_ERRORS, media_names

from . import images

logger = logging.getLogger(__name__)

SIGNING_SALT = "cities.kept_uploads"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def kept_field_name(field_name):
    """The hidden input that carries the signed kept upload beside the file input."""
    return f"{field_name}-kept"


def max_age():
    return datetime.timedelta(hours=settings.KEPT_UPLOAD_MAX_AGE_HOURS)


class KeptChoice(str):
    """The signed value a refused form sent back, with the name of the field it came from."""

    def __new__(cls, signed, field_name):
        choice = super().__new__(cls, signed)
        choice.field_name = field_name
        return choice


@dataclass
class KeptUpload:
    token: str
    original_name: str
    data: bytes
    signed: str = ""

    @property
    def storage_name(self):
        return f"{PREFIX}{self.token}/photo.jpg"

    def content(self):
        """The photo to save, named like the upload was; saving it removes the kept copy."""
        stem = PurePosixPath(self.original_name).stem[:60] or "photo"
        photo = ContentFile(self.data, name=f"{stem}.jpg")
        photo.kept_upload_name = self.storage_name  # read by cities.signals
        return photo

    @property
    def size(self):
        return len(self.data)

    @cached_property
    def thumbnail(self):
        return images.thumbnail_data(self.data)


def keep(photo, original_name, user, field_name):
    """Store a checked photo for `user` and sign it for the form field `field_name`.

    Returns None when it cannot be stored: the form is shown as it would have been anyway.
    """
    kept = KeptUpload(secrets.token_urlsafe(24), PurePosixPath(original_name).name, photo.read())
    try:
        default_storage.save(kept.storage_name, ContentFile(kept.data))
    except STORAGE_ERRORS:
        logger.exception("Could not keep an upload of a refused form")
        return None
    kept.signed = _sign(kept, user, field_name)
    return kept


def _sign(kept, user, field_name):
    value = {"user": user.pk, "token": kept.token, "field": field_name, "name": kept.original_name}
    return signing.dumps(value, salt=SIGNING_SALT)


def find(choice, user):
    """The upload kept for `user` that `choice` names, or ValidationError asking for the file."""
    gone = ValidationError(
        _("The file you chose earlier is no longer kept: choose it again."), code="kept_gone"
    )
    try:
        value = signing.loads(choice, salt=SIGNING_SALT, max_age=max_age())
    except signing.BadSignature:  # altered, or older than the kept files live
        raise gone from None
    if (
        user is None
        or value.get("user") != user.pk
        or value.get("field") != choice.field_name
        or not TOKEN_PATTERN.match(str(value.get("token")))
    ):
        raise gone
    kept = KeptUpload(value["token"], str(value.get("name") or "photo"), b"", signed=str(choice))
    try:
        with default_storage.open(kept.storage_name) as stored:
            kept.data = stored.read()
    except (FileNotFoundError, *STORAGE_ERRORS):
        raise gone from None
    return kept


def expired_names(hours=None):
    """Kept uploads older than `hours` (by default KEPT_UPLOAD_MAX_AGE_HOURS): abandoned."""
    cutoff = timezone.now() - (max_age() if hours is None else datetime.timedelta(hours=hours))
    return [name for name, modified in _stored() if modified < cutoff]


def live_names():
    """Kept uploads still waiting for their form (for `remove_orphaned_media` to spare)."""
    cutoff = timezone.now() - max_age()
    return [name for name, modified in _stored() if modified >= cutoff]


def _stored():
    for name in media_names(directory=PREFIX):
        yield name, default_storage.get_modified_time(name)
