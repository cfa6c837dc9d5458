import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Where the sources' fingerprint of the last collection is kept, in STATIC_ROOT.
STAMP = ".collected-sources"


def sources_fingerprint():
    """A digest of every static source the finders see (its name, size and modification
    time) and of the storage that processes them: it changes whenever collectstatic would
    write something else."""
    entries = sorted(
        (getattr(storage, "prefix", None) or "", path, storage.path(path))
        for finder in get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    )
    digest = hashlib.sha256(repr(settings.STORAGES["staticfiles"]).encode())
    for prefix, path, full_path in entries:
        stat = Path(full_path).stat()
        digest.update(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Run collectstatic unless no static source changed since it last ran into STATIC_ROOT: "
        "collecting hashes and compresses every file again (seconds of CPU at each start)."
    )

    def handle(self, *args, **options):
        stamp = Path(settings.STATIC_ROOT) / STAMP
        fingerprint = sources_fingerprint()
        if stamp.exists() and stamp.read_text() == fingerprint:
            self.stdout.write("Static files unchanged since they were collected.")
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        # Written last: a collection cut short is run again next time.
        stamp.write_text(fingerprint)
        self.stdout.write("Static files collected.")
