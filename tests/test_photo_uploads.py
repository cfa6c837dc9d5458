"""Uploading photos in the admin: what is refused, what is stored, and what is served."""

import io
import re
import urllib.request
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, features

from cities import images
from cities.models import Licence, Photo, Status
from learningcities.storage import KEPT_UPLOADS_PREFIX, media_names
from tests import photo_samples as samples
from tests.factories import (
    change_url,
    city_form_with_a_new_photo,
    make_city,
    make_publishing_uploader,
    make_staff,
)

ADD_URL = reverse("admin:cities_photo_add")


@pytest.fixture
def upload_settings(settings, tmp_path):
    # Every upload goes through a temporary file in a folder the tests can inspect.
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return settings


@pytest.fixture
def uploader_client(client, db):
    client.force_login(make_publishing_uploader())
    return client


def photo_form(upload, **overrides):
    data = {
        "image": upload,
        # Spanish is the language the admin requires (the site's default).
        "title_es": "Parque Calderón",
        "alt_text_es": "Las cúpulas azules de la catedral tras los árboles de la plaza mayor",
        "city": "",
        "status": Status.PUBLISHED,
        "author": "Ana Tenesaca",
        "holder": "",
        "licence": Licence.CC_BY,
        "source_url": "",
        "reference": "",
        "order": "0",
        "focal_x": "50",
        "focal_y": "50",
        "_save": "Save",
    }
    return {**data, **overrides}


def stored_files(settings):
    # Through the storage API, so that the same tests run with media on S3 too.
    return sorted(media_names())


def upload(client, name, content, content_type="image/jpeg", **overrides):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(ADD_URL, photo_form(file, **overrides))


@pytest.mark.django_db
@pytest.mark.parametrize("sample", list(samples.HOSTILE_SAMPLES))
def test_hostile_upload_is_refused_with_a_clear_error_and_leaves_nothing(
    uploader_client, upload_settings, sample
):
    name, content_type, make_bytes, words = samples.HOSTILE_SAMPLES[sample]

    response = upload(uploader_client, name, make_bytes(), content_type)

    assert response.status_code == 200  # the form again, not a redirect and not a 500
    errors = response.context["adminform"].form.errors["image"]
    assert any(words in error for error in errors), errors
    assert words in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_files(upload_settings) == []
    assert list(upload_settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


@pytest.mark.django_db
def test_refused_format_message_says_what_is_accepted(uploader_client, upload_settings):
    response = upload(uploader_client, "photo.gif", samples.encode(samples.noisy(), "GIF"))

    [error] = response.context["adminform"].form.errors["image"]
    assert "JPEG, PNG, WebP" in error
    assert ("AVIF" in error) == features.check("avif")


@pytest.mark.django_db
def test_file_over_the_size_limit_is_refused_before_pillow_reads_it(
    uploader_client, upload_settings, monkeypatch
):
    upload_settings.PHOTO_MAX_UPLOAD_SIZE = 50_000
    opened = []
    monkeypatch.setattr(images.Image, "open", lambda *args, **kwargs: opened.append(args))
    content = samples.jpeg(900, 600)
    assert len(content) > 50_000

    response = upload(uploader_client, "big.jpg", content)

    [error] = response.context["adminform"].form.errors["image"]
    assert "the largest accepted is 48.8\xa0KB" in error
    assert opened == []
    assert not Photo.objects.exists()
    assert stored_files(upload_settings) == []
    assert list(upload_settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


@pytest.mark.django_db
def test_the_default_limit_refuses_a_21_mb_file(uploader_client, upload_settings):
    content = samples.jpeg() + b"\x00" * (21 * 1024 * 1024)

    response = upload(uploader_client, "huge.jpg", content)

    [error] = response.context["adminform"].form.errors["image"]
    assert "the largest accepted is 20.0\xa0MB" in error
    assert not Photo.objects.exists()
    assert list(upload_settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


def test_an_oversized_upload_is_never_kept_past_the_limit(upload_settings):
    upload_settings.PHOTO_MAX_UPLOAD_SIZE = 100_000
    handler = images.SizeLimitedUploadHandler()
    handler.new_file("image", "big.jpg", "image/jpeg", 300_000)
    chunk = b"\xff" * 64 * 1024
    for start in range(0, 5 * len(chunk), len(chunk)):
        handler.receive_data_chunk(chunk, start)

    uploaded = handler.file_complete(5 * len(chunk))

    assert uploaded.size == 5 * len(chunk)  # the true size, for the error message
    assert Path(uploaded.temporary_file_path()).stat().st_size <= 100_000
    uploaded.close()
    assert list(upload_settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


@pytest.mark.django_db
def test_the_megapixel_limit_is_a_setting(uploader_client, upload_settings):
    upload_settings.PHOTO_MAX_PIXELS = 200_000

    response = upload(uploader_client, "photo.jpg", samples.jpeg(640, 400))

    [error] = response.context["adminform"].form.errors["image"]
    assert "640 by 400 pixels" in error
    assert not Photo.objects.exists()


def served_bytes(client, url):
    if url.startswith("http"):  # media on object storage, served by it
        with urllib.request.urlopen(url) as response:
            return response.read()
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def urls_on_page(html):
    urls = set(re.findall(r'src="([^"]+)"', html))
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls.update(candidate.split()[0] for candidate in srcset.split(", "))
    media = default_storage.url("x").removesuffix("x")  # /media/, or the bucket's address
    return {url for url in urls if url.startswith(media)}


@pytest.mark.django_db
def test_no_served_byte_carries_the_location_camera_or_author(uploader_client, upload_settings):
    city = make_city(cover=False)
    original = samples.jpeg_with_private_metadata()
    assert samples.SERIAL.encode() in original

    response = upload(uploader_client, "gps.jpg", original, city=city.pk)

    assert response.status_code == 302
    photo = Photo.objects.get()
    page = uploader_client.get(city.get_absolute_url()).content.decode()
    served = urls_on_page(page) | {photo.image.url}
    assert len(served) == 1 + 2 * 2  # the original; AVIF and JPEG at 480 and 800 pixels
    for url in served:
        content = served_bytes(uploader_client, url)
        for secret in (samples.SERIAL, samples.ARTIST, "Camera Maker", "Model Z"):
            assert secret.encode() not in content, (url, secret)
        assert b"Exif" not in content, url
        with Image.open(io.BytesIO(content)) as image:
            assert not image.getexif(), url
            assert "comment" not in image.info and "xmp" not in image.info, url


@pytest.mark.django_db
def test_the_stored_file_is_a_re_encoding_never_the_uploaded_bytes(
    uploader_client, upload_settings
):
    polyglot = samples.polyglot()

    response = upload(uploader_client, "photo.jpg", polyglot)

    assert response.status_code == 302
    for name in stored_files(upload_settings):
        content = default_storage.open(name).read()
        assert b"POLYGLOT-PAYLOAD" not in content and b"PK\x03\x04" not in content, name
    assert Photo.objects.get().image.read() != polyglot[: len(samples.jpeg())]


@pytest.mark.django_db
def test_exif_orientation_is_applied_to_the_stored_picture(uploader_client, upload_settings):
    upload(uploader_client, "phone.jpg", samples.jpeg_rotated_by_exif(800, 500))

    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (500, 800)
    with Image.open(photo.image) as image:
        assert image.size == (500, 800)
        assert not image.getexif()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make_bytes"),
    [
        ("photo.png", samples.png_with_transparency),
        ("photo.webp", samples.webp),
        ("photo.jpg", samples.cmyk_jpeg),
        ("photo-named-png.png", samples.jpeg),
    ],
)
def test_accepted_formats_are_stored_as_srgb_jpeg(
    uploader_client, upload_settings, name, make_bytes
):
    response = upload(uploader_client, name, make_bytes(), "application/octet-stream")

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.endswith(".jpg")
    with Image.open(photo.image) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (640, 400))
        assert "icc_profile" not in image.info


@pytest.mark.django_db
def test_avif_is_accepted_exactly_when_pillow_reads_it(uploader_client, upload_settings):
    # On this machine Pillow reads AVIF; elsewhere the upload must be refused cleanly.
    if features.check("avif"):
        response = upload(uploader_client, "photo.avif", samples.avif(), "image/avif")
        assert response.status_code == 302
        assert Photo.objects.count() == 1
    else:
        response = upload(uploader_client, "photo.avif", b"\x00\x00\x00\x1cftypavif" * 8)
        assert "accepted" in response.context["adminform"].form.errors["image"][0]


@pytest.mark.django_db
def test_upload_records_the_uploader_and_makes_renditions(uploader_client, upload_settings):
    upload(uploader_client, "photo.jpg", samples.jpeg(2000, 1250))

    photo = Photo.objects.get()
    assert photo.uploaded_by.groups.filter(name="Photo uploaders").exists()
    modern = "image/avif" if features.check("avif") else "image/webp"
    assert sorted((r["type"], r["width"], r["height"]) for r in photo.renditions) == sorted(
        (kind, width, round(1250 * width / 2000))
        for kind in ("image/jpeg", modern)
        for width in (480, 960, 1600)
    )
    assert len(stored_files(upload_settings)) == 1 + 6


@pytest.mark.django_db
def test_the_form_says_what_is_accepted_before_the_upload(uploader_client):
    html = uploader_client.get(ADD_URL).content.decode()

    assert "at most 20.0\xa0MB and 40 megapixels" in html
    assert 'accept="image/jpeg,image/png,image/webp' in html


@pytest.mark.django_db
def test_a_photo_needs_alt_text_and_a_credit(uploader_client, upload_settings):
    response = upload(
        uploader_client, "photo.jpg", samples.jpeg(), alt_text_es="  ", author="", holder=""
    )

    form = response.context["adminform"].form
    assert "alt_text_es" in form.errors
    assert "author unknown" in " ".join(form.non_field_errors())
    assert not Photo.objects.exists()
    # Nothing is stored for the site: the photo, which passed its own checks, is only kept
    # privately for its uploader, to save once the form is corrected (test_kept_uploads.py).
    [kept] = stored_files(upload_settings)
    assert kept.startswith(KEPT_UPLOADS_PREFIX)


@pytest.mark.django_db
def test_the_city_inline_refuses_hostile_uploads_too(client, upload_settings):
    client.force_login(make_staff("Editors"))
    city = make_city(cover=False)
    data = city_form_with_a_new_photo(
        client,
        city,
        image=SimpleUploadedFile("x.jpg", samples.SVG_WITH_SCRIPT, "image/jpeg"),
        title_es="Dibujo",
        alt_text_es="Un rectángulo verde azulado",
        author="Someone",
        licence=Licence.CC_BY,
        status=Status.PUBLISHED,
    )
    url = change_url(city)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "not a photo in an accepted format" in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_files(upload_settings) == []
