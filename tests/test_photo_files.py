"""A photo's files follow its row: renditions made, replaced and deleted files removed."""

import logging
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from cities import images
from cities.models import Photo
from learningcities.storage import media_names
from tests import photo_samples as samples
from tests.factories import make_city, make_photo

pytestmark = pytest.mark.django_db


def files_on_disk(settings):
    # Through the storage API, so that the same tests run with media on S3 too.
    return sorted(media_names())


def files_of(photo):
    return sorted([photo.image.name, *(r["name"] for r in photo.renditions)])


def jpeg_upload(width=1200, height=800, name="photo.jpg"):
    return SimpleUploadedFile(name, samples.jpeg(width, height), content_type="image/jpeg")


def change_form_data(client, photo, **changes):
    url = reverse("admin:cities_photo_change", args=[photo.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update({"image": "", "city": photo.city_id or "", **changes})
    return url, data


def test_renditions_are_never_wider_than_the_original(settings):
    photo = make_photo(image=jpeg_upload(640, 400))

    assert sorted({r["width"] for r in photo.renditions}) == [480, 640]
    for rendition in photo.renditions:
        with default_storage.open(rendition["name"]) as file, Image.open(file) as image:
            assert image.size == (rendition["width"], rendition["height"])


def test_replacing_the_image_removes_the_old_files(
    editor_client, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=jpeg_upload())
    old_files = files_of(photo)
    assert files_on_disk(settings) == old_files
    url, data = change_form_data(editor_client, photo, image=jpeg_upload(1000, 700, "new.jpg"))

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    photo.refresh_from_db()
    assert photo.width == 1000
    assert set(files_of(photo)).isdisjoint(old_files)
    assert files_on_disk(settings) == files_of(photo)


def test_saving_without_a_new_image_keeps_the_files(
    editor_client, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=jpeg_upload())
    url, data = change_form_data(editor_client, photo, title_en="New title")

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, data)

    photo.refresh_from_db()
    assert photo.title == "New title"
    assert files_on_disk(settings) == files_of(photo)


def test_deleting_a_photo_removes_its_files(
    editor_client, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=jpeg_upload())
    kept = make_photo(image=jpeg_upload())

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:cities_photo_delete", args=[photo.pk]), {"post": "yes"})

    assert files_on_disk(settings) == files_of(kept)


def test_the_bulk_delete_action_removes_the_files_too(
    editor_client, settings, django_capture_on_commit_callbacks
):
    photos = [make_photo(image=jpeg_upload()) for _ in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:cities_photo_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [p.pk for p in photos],
                "post": "yes",
            },
        )

    assert not Photo.objects.exists()
    assert files_on_disk(settings) == []


def test_files_are_kept_when_the_deletion_is_rolled_back(
    settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=jpeg_upload())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo.delete()

    assert len(callbacks) == 1  # the files go only once the deletion is committed
    assert files_on_disk(settings) == files_of(photo)


def test_a_failed_rendition_is_logged_and_the_page_shows_the_original(
    client, settings, monkeypatch, caplog
):
    broken = [*images.RENDITION_ENCODINGS, ("NO-SUCH-FORMAT", "image/x-none", "none", {})]
    monkeypatch.setattr(images, "RENDITION_ENCODINGS", broken)
    city = make_city(cover=False)

    with caplog.at_level(logging.ERROR, logger="cities.images"):
        photo = make_photo(city=city, image=jpeg_upload())

    assert "Could not make the renditions" in caplog.text
    assert photo.renditions == []
    assert files_on_disk(settings) == [photo.image.name]  # no half-made set left behind
    response = client.get(city.get_absolute_url())
    assert response.status_code == 200
    assert f'src="{photo.image.url}"' in response.content.decode()


def test_everything_goes_through_the_storage_api(
    editor_client, settings, django_capture_on_commit_callbacks
):
    # An in-memory storage stands in for object storage: nothing may touch the disk.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    url = reverse("admin:cities_photo_add")
    data = {
        "image": jpeg_upload(),
        "title_es": "Guardada en memoria",
        "alt_text_es": "Un patio con arcos",
        "author": "Ana",
        "licence": "cc-by-4.0",
        "status": "published",
        "order": 0,
    }

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, data)
    photo = Photo.objects.get()
    assert len(photo.renditions) == 6
    assert all(default_storage.exists(name) for name in files_of(photo))
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()

    assert not any(default_storage.exists(name) for name in files_of(photo))
    assert not Path(settings.MEDIA_ROOT).exists()


def test_the_seed_placeholders_get_renditions_like_uploads(settings):
    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115

    photos = list(Photo.objects.all())
    assert len(photos) == 4
    for photo in photos:
        assert {(r["type"], r["width"]) for r in photo.renditions} >= {
            ("image/jpeg", 480),
            ("image/jpeg", 1600),
        }
    assert sorted(files_on_disk(settings)) == sorted(n for p in photos for n in files_of(p))


def test_the_city_page_serves_a_responsive_picture(client):
    city = make_city(cover=False)
    cover = make_photo(city=city, image=jpeg_upload(2000, 1250))
    city.cover_photo = cover
    city.save()
    gallery_photo = make_photo(city=city, image=jpeg_upload(1200, 800), focal_x=20, focal_y=80)

    html = client.get(city.get_absolute_url()).content.decode()

    pictures = re.findall(r"<picture>.*?</picture>", html, re.DOTALL)
    assert len(pictures) == 2
    cover_html, gallery_html = pictures
    modern = "image/avif" if images.AVIF_SUPPORTED else "image/webp"
    assert f'<source type="{modern}"' in cover_html
    assert re.search(r'srcset="[^"]+480w, [^"]+960w, [^"]+1600w"', cover_html)
    assert 'sizes="(min-width: 75rem) 46rem' in cover_html
    assert 'width="2000" height="1250"' in cover_html
    assert 'fetchpriority="high"' in cover_html and 'loading="lazy"' not in cover_html
    assert 'loading="lazy"' in gallery_html and "fetchpriority" not in gallery_html
    assert 'class="focus-x-20 focus-y-80"' in gallery_html
    assert f"#photo-{gallery_photo.pk}" in gallery_photo.get_absolute_url()


def test_make_renditions_command_remakes_missing_renditions(settings):
    photo = make_photo(image=jpeg_upload())
    Photo.objects.filter(pk=photo.pk).update(renditions=[])
    images.delete_files(r["name"] for r in photo.renditions)

    call_command("make_renditions", stdout=open("/dev/null", "w"))  # noqa: SIM115

    photo.refresh_from_db()
    assert len(photo.renditions) == 6
    assert files_on_disk(settings) == files_of(photo)


def test_make_renditions_all_remakes_every_photos_and_removes_the_old_files(
    settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=jpeg_upload())
    old_renditions = [r["name"] for r in photo.renditions]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_renditions", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115

    photo.refresh_from_db()
    assert len(photo.renditions) == 6
    assert not set(old_renditions) & {r["name"] for r in photo.renditions}
    assert files_on_disk(settings) == files_of(photo)


def test_a_pictures_jpeg_for_a_width_is_the_narrowest_wide_enough_else_the_widest(settings):
    wide = make_photo(image=jpeg_upload(2000, 1250))
    narrow = make_photo(image=jpeg_upload(1000, 625))

    assert wide.picture.jpeg_at_least(1200).width == 1600
    assert wide.picture.jpeg_at_least(900).width == 960
    assert narrow.picture.jpeg_at_least(1200).width == 1000
    Photo.objects.filter(pk=narrow.pk).update(renditions=[])
    assert Photo.objects.get(pk=narrow.pk).picture.jpeg_at_least(1200) is None
