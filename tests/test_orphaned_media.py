import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests.factories import make_photo


def run(*args):
    out = io.StringIO()
    call_command("remove_orphaned_media", *args, stdout=out)
    return out.getvalue()


def make_old(name, hours=2):
    """Dates the file `hours` back by the test clock (time.time() under TEST_CLOCK): the file
    system dates a new file by the real clock."""
    then = time.time() - hours * 3600
    os.utime(default_storage.path(name), (then, then))


@pytest.fixture
def photo_and_orphan(db):
    photo = make_photo()
    orphan = default_storage.save("photos/2020/01/left-by-a-crash.jpg", ContentFile(b"x"))
    renditions = [rendition["name"] for rendition in photo.renditions]
    assert renditions, "the photo's renditions are files too, referenced by no file field"
    for name in (photo.image.name, orphan, *renditions):
        make_old(name)
    return photo, orphan


def test_orphans_are_listed_but_kept_by_default(photo_and_orphan):
    _photo, orphan = photo_and_orphan
    output = run()
    assert output.splitlines() == [
        f"orphan: {orphan}",
        "1 orphaned media file(s) found; nothing deleted (run with --delete to remove them).",
    ]
    assert default_storage.exists(orphan)


def test_delete_removes_orphans_and_nothing_a_row_refers_to(photo_and_orphan):
    photo, orphan = photo_and_orphan
    output = run("--delete")
    assert f"deleted: {orphan}" in output
    assert not default_storage.exists(orphan)
    assert default_storage.exists(photo.image.name)
    assert all(default_storage.exists(r["name"]) for r in photo.renditions)
    assert run().splitlines()[-1].startswith("0 orphaned media file(s) found")


def test_recent_files_are_left_alone_as_a_save_may_be_in_progress(db):
    recent = default_storage.save("photos/uploading.jpg", ContentFile(b"x"))
    make_old(recent, hours=0)
    assert "0 orphaned" in run("--delete")
    assert default_storage.exists(recent)
    assert f"deleted: {recent}" in run("--delete", "--min-age", "0")


def test_an_empty_media_storage_has_no_orphans(db):
    assert run().startswith("0 orphaned")
