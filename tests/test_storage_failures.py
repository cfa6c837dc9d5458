import contextlib
import io
import resource
import signal
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from cities.models import City, Photo
from learningcities.storage import delete_new_files_on_error
from tests.factories import (
    jpeg_bytes,
    make_city,
    new_photo_form_data,
    posted,
    typed,
    uploaded_jpeg,
)


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@contextlib.contextmanager
def disk_full_after(limit_bytes):
    """Makes this process unable to write media files beyond `limit_bytes`, as on a full disk:
    the write fails half-way with a real OSError (EFBIG) and a partial file is left. The limit
    holds while a file is stored only: the database, a file too, lives on another disk."""
    store = FileSystemStorage._save

    def store_on_a_full_disk(storage, name, content):
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, hard))
        try:
            return store(storage, name, content)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))

    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        with mock.patch.object(FileSystemStorage, "_save", store_on_a_full_disk):
            yield
    finally:
        signal.signal(signal.SIGXFSZ, previous_handler)


def noisy_jpeg_bytes():
    """A photo that compresses badly: about 270 kB."""
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 64).convert("RGB").save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_full_disk_while_uploading_a_photo_gives_a_form_error_and_leaves_nothing(
    client, superuser, settings
):
    add = reverse("admin:cities_photo_add")
    data = new_photo_form_data(client)
    settings.MEDIA_ROOT.mkdir(parents=True)

    with disk_full_after(1000):
        response = client.post(add, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [
        "The file could not be stored (File too large). Nothing was saved: please try again "
        "later, and tell the site's administrators if it happens again."
    ]
    assert "File too large" in response.text
    assert str(settings.MEDIA_ROOT) not in response.text
    assert not Photo.objects.exists()
    assert media_files(settings) == []

    # With space again, the same upload goes through.
    data["image"] = uploaded_jpeg("park.jpg", width=800, height=600)
    response = client.post(add, data)
    assert response.status_code == 302
    assert Photo.objects.get().title == "Parque Calderón"


@pytest.mark.django_db
def test_a_full_disk_while_adding_photos_to_a_city_leaves_no_row_and_no_file(
    client, superuser, settings
):
    city = make_city(cover=False, name="Cuenca")
    change = reverse("admin:cities_city_change", args=[city.pk])
    context = client.get(change).context
    inlines = context["inline_admin_formsets"]
    form = context["adminform"].form
    data = posted(form) | typed(
        form, name="Cuenca", narrative="A learning city.", tagline="Changed while the disk is full"
    )
    for inline in inlines:
        data |= posted(inline.formset.management_form)
    photo_formset = next(i.formset for i in inlines if i.formset.model is Photo)
    prefix = photo_formset.prefix
    photos = {
        # The first photo is small and gets stored; the second does not fit any more.
        0: uploaded_jpeg("river.jpg", width=800, height=600),
        1: SimpleUploadedFile("market.jpg", noisy_jpeg_bytes(), content_type="image/jpeg"),
    }
    data[f"{prefix}-TOTAL_FORMS"] = len(photos)
    for number, upload in photos.items():
        row = typed(
            photo_formset.empty_form,
            image=upload,
            title=f"Photo {number}",
            alt_text="A river under a bridge",
            author="Luis",
            licence="cc-by-4.0",
            status="draft",
            order=0,  # the row's order box, filled as a browser sends it
        )
        data |= {name.replace("__prefix__", str(number)): value for name, value in row.items()}
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)

    with disk_full_after(100_000):
        response = client.post(change, data)

    assert response.status_code == 200
    assert "could not be stored" in response.context["adminform"].form.non_field_errors()[0]
    assert not Photo.objects.exists()
    assert City.objects.get().tagline == ""
    assert media_files(settings) == []


@pytest.mark.django_db
def test_files_written_in_a_failed_transaction_are_deleted(settings):
    with pytest.raises(IntegrityError), delete_new_files_on_error(), transaction.atomic():
        photo = Photo(title="Plaza", alt_text="A plaza", author="Ana")
        photo.image.save("plaza.jpg", ContentFile(jpeg_bytes()))
        assert media_files(settings) != []
        # The row is refused after the file was written.
        City.objects.create(name="Loja", slug="loja", year_joined=2022, narrative=".")
        City.objects.create(name="Loja", slug="loja", year_joined=2022, narrative=".")
    assert media_files(settings) == []


@pytest.mark.django_db
def test_files_of_a_successful_block_are_kept(settings):
    with delete_new_files_on_error():
        name = default_storage.save("kept.txt", ContentFile(b"kept"))
    assert default_storage.exists(name)


def test_a_write_that_fails_half_way_leaves_no_partial_file(settings):
    settings.MEDIA_ROOT.mkdir(parents=True)
    with pytest.raises(OSError, match="File too large"), disk_full_after(1000):
        default_storage.save("big.bin", ContentFile(b"x" * 5000))
    assert media_files(settings) == []
