"""One-file backups: the database content and every media file, in one tar.gz archive.

The archive holds `manifest.json` (format, date, migrations, SHA-256 of every member),
`data.json` (`dumpdata` with natural keys, so it loads into any freshly migrated database, in
the `exact_json` format of learningcities/exact_json.py, which gives back every value as it
was: Django's JSON cuts datetimes to milliseconds, its XML strips texts) and
`media/<name>` for each file in media storage. Archives of the first format (`data.xml`) are
still restored. It goes through Django's serializers and the STORAGES API only, so it works the
same on SQLite or PostgreSQL, and on the file system or S3.

The archive holds every secret of the database (password hashes, authenticator keys): it is
written readable by its owner only, and must be kept so.
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from .storage import delete_new_files_on_error, media_names

FORMAT = "learningcities-backup/2"
# The name of the rows' file in each format that can be restored; loaddata reads it by its
# extension.
DATA_NAMES = {"learningcities-backup/1": "data.xml", FORMAT: "data.json"}
# Made again by `migrate` in every installation, found through natural keys; sessions are
# only log-ins, not content.
NOT_BACKED_UP = ["contenttypes", "auth.permission", "sessions"]
# Rows `migrate` itself creates, so an installation holding only these counts as empty.
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "auth.group"}


class BackupError(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def applied_migrations():
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def _add(archive, name, data):
    member = tarfile.TarInfo(name)
    member.size = len(data)
    member.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(member, io.BytesIO(data))


def private_file(path):
    """`path` opened for writing, readable and writable by its owner only (0600), from the
    moment it exists: the archive holds the database's secrets."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file that was there keeps its mode otherwise
    return os.fdopen(descriptor, "wb")


def write_backup(path):
    """Write the archive to `path`; return the manifest."""
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DATA_NAMES[FORMAT]
        # Rows are read table by table: run it while editors are not saving, or use
        # pg_dump for a consistent snapshot of a busy site (see README, "Backups").
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            format="exact_json",
            exclude=NOT_BACKED_UP,
            output=str(dump),
            verbosity=0,
        )
        data = dump.read_bytes()
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "migrations": applied_migrations(),
        "data": {"name": DATA_NAMES[FORMAT], "sha256": sha256(data)},
        "media": {},
    }
    with private_file(path) as file, tarfile.open(fileobj=file, mode="w:gz") as archive:
        _add(archive, DATA_NAMES[FORMAT], data)
        for name in media_names():
            with default_storage.open(name) as stored:
                content = stored.read()
            manifest["media"][name] = sha256(content)
            _add(archive, f"media/{name}", content)
        _add(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    return manifest


def is_empty_installation():
    for model in apps.get_models():
        if model._meta.label_lower in MADE_BY_MIGRATE or model._meta.app_label == "sessions":
            continue
        if model._base_manager.exists():
            return False
    return not any(media_names())


def _read(archive, name, expected_sha256):
    try:
        member = archive.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise BackupError(f"{name} is missing from the archive.")
    data = member.read()
    if sha256(data) != expected_sha256:
        raise BackupError(f"{name} is damaged: its checksum does not match the manifest.")
    return data


def _open_archive(path):
    try:
        return tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error


def _check_manifest(archive):
    try:
        manifest = json.loads(archive.extractfile("manifest.json").read())
    except (KeyError, AttributeError, ValueError) as error:
        raise BackupError("The archive has no valid manifest.json.") from error
    if manifest.get("format") not in DATA_NAMES:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    missing = sorted(set(manifest["migrations"]) - set(applied_migrations()))
    if missing:
        raise BackupError(
            "The backup was made with migrations this installation has not applied: "
            f"{', '.join(missing)}. Run `manage.py migrate` with the same or newer code."
        )
    return manifest


def restore_backup(path):
    """Load the archive at `path` into this (empty, migrated) installation."""
    with _open_archive(path) as archive:
        manifest = _check_manifest(archive)
        if not is_empty_installation():
            raise BackupError(
                "This installation already has content; restore only into an empty one "
                "(a new database after `manage.py migrate`, and empty media storage)."
            )
        # All or nothing: a failure rolls the rows back and deletes the files written so far.
        with (
            tempfile.TemporaryDirectory() as work,
            delete_new_files_on_error(),
            transaction.atomic(),
        ):
            name = DATA_NAMES[manifest["format"]]
            dump = Path(work) / name
            dump.write_bytes(_read(archive, name, manifest["data"]["sha256"]))
            call_command("loaddata", str(dump), verbosity=0)
            for name, digest in manifest["media"].items():
                content = _read(archive, f"media/{name}", digest)
                stored = default_storage.save(name, ContentFile(content))
                if stored != name:
                    raise BackupError(f"Media storage renamed {name} to {stored}.")
    # Statistics for the rows just loaded, as after any bulk load: without them the query
    # planner would read whole tables instead of using the indexes (search's among them).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return manifest
