"""Media storage that leaves nothing behind when a save fails.

Two gaps in the stock backends are closed here, for the file system and S3 alike:
- a write that fails half-way (disk full, permission denied) leaves no partial file;
- inside `delete_new_files_on_error()`, every file written is deleted again if the block
  fails, e.g. when the database refuses the row that would have referenced it.
"""

import contextlib
import contextvars
import logging
import posixpath

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import FileSystemStorage, default_storage
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)

# The files written inside the innermost `delete_new_files_on_error()` block, or None.
_written = contextvars.ContextVar("media_written", default=None)


# What a storage backend raises when it cannot store, read or delete a file.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class DeleteFailedWritesMixin:
    def _save(self, name, content):
        try:
            name = super()._save(name, content)
        except BaseException:
            # The name was free when the write began, so whatever is there now is our partial
            # file (S3 uploads are atomic and leave nothing).
            with contextlib.suppress(*STORAGE_ERRORS):
                if self.exists(name):
                    self.delete(name)
            raise
        written = _written.get()
        if written is not None:
            written.append((self, name))
        return name


@contextlib.contextmanager
def delete_new_files_on_error():
    """Delete the files written in this block if it raises (use it around a transaction)."""
    written = []
    enclosing = _written.get()
    token = _written.set(written)
    try:
        yield
        if enclosing is not None:
            # Kept until the outer block succeeds too.
            enclosing.extend(written)
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except STORAGE_ERRORS:
                # `remove_orphaned_media` finds it later.
                logger.exception("Could not delete %s after a failed save", name)
        raise
    finally:
        _written.reset(token)


class MediaStorage(DeleteFailedWritesMixin, FileSystemStorage):
    """Uploaded media in MEDIA_ROOT."""


class S3MediaStorage(DeleteFailedWritesMixin, S3Storage):
    """Uploaded media in an S3-compatible bucket."""


def media_names(storage=default_storage, directory=""):
    """The names of all files in `storage` (by default, media storage), folder by folder."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # nothing was ever uploaded
        return
    for name in files:
        yield f"{directory}{name}"
    for subdirectory in directories:
        yield from media_names(storage, f"{directory}{subdirectory}/")


# Photos kept for their uploader after a refused form (cities.kept_uploads), and the files of
# photos that are not public (drafts, scheduled, archived): never served from the media address.
KEPT_UPLOADS_PREFIX = "kept-uploads/"
PRIVATE_PHOTOS_PREFIX = "private-photos/"
PRIVATE_PREFIXES = (KEPT_UPLOADS_PREFIX, PRIVATE_PHOTOS_PREFIX)


def is_private_name(name):
    """Whether a media path points into a private folder, however it is spelled."""
    # Rooted first, so that "photos/../kept-uploads/…" and "./kept-uploads/…" are caught.
    normalized = posixpath.normpath(f"/{name}").lstrip("/")
    return f"{normalized}/".startswith(PRIVATE_PREFIXES)
