"""A photo that passed its checks is kept for its uploader when the form is refused for
another field, and saved from there once the form is corrected (cities/kept_uploads.py)."""

import io
import os
import re
import time
import types
import urllib.error
import urllib.request

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from cities import kept_uploads
from cities.models import Photo
from learningcities.storage import media_names
from tests import photo_samples as samples
from tests.factories import make_city, make_publishing_uploader
from tests.test_photo_uploads import ADD_URL, photo_form, upload

FILE_SYSTEM = "learningcities.storage.MediaStorage"
GONE = "The file you chose earlier is no longer kept: choose it again."
CREDIT = "Give the credit"


@pytest.fixture
def uploader(db):
    return make_publishing_uploader()


@pytest.fixture
def uploader_client(client, uploader):
    client.force_login(uploader)
    return client


def kept_files():
    return sorted(media_names(directory=kept_uploads.PREFIX))


def refuse_for_missing_credit(client, name="cathedral.png", width=800, height=600):
    """Upload a good photo on a form without credit; return the refused form's page."""
    response = upload(
        client,
        name,
        samples.encode(samples.noisy(width, height), "PNG"),
        "image/png",
        author="",
    )
    assert response.status_code == 200
    assert CREDIT in response.content.decode()
    return response


def kept_value(response, field="image"):
    """The signed value the refused form carries for the file field `field`."""
    hidden = re.search(
        rf'<input type="hidden" name="{field}-kept" value="([^"]+)">', response.content.decode()
    )
    assert hidden, f"no kept upload offered for {field}"
    return hidden.group(1)


def resubmit(client, kept, **overrides):
    """The corrected form, sent without choosing the file again."""
    data = photo_form(None, **overrides)
    del data["image"]
    return client.post(ADD_URL, {**data, "image-kept": kept})


def stored_size(name):
    with default_storage.open(name) as stored, Image.open(stored) as image:
        return image.size


def test_a_photo_refused_for_its_credit_is_kept_and_offered_again(uploader_client):
    response = refuse_for_missing_credit(uploader_client)

    html = response.content.decode()
    assert "Kept: cathedral.png (800 by 600 pixels," in html
    assert "choose another file to replace it." in html
    # The file input no longer insists on a file, a thumbnail shows what is kept, and the
    # page names no storage path.
    assert re.search(r'<input type="file" name="image"(?![^>]*required)[^>]*>', html)
    assert re.search(r'<img src="data:image/jpeg;base64,[^"]+" width="96" height="72"', html)
    assert kept_uploads.PREFIX not in html
    [kept] = kept_files()
    assert kept.startswith(kept_uploads.PREFIX)
    assert not Photo.objects.exists()


def test_the_corrected_form_saves_the_kept_photo_and_removes_the_kept_copy(
    uploader_client, uploader, django_capture_on_commit_callbacks
):
    kept = kept_value(refuse_for_missing_credit(uploader_client))

    with django_capture_on_commit_callbacks(execute=True):
        response = resubmit(uploader_client, kept, author="Ana Tenesaca")

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.uploaded_by == uploader
    assert photo.credit == "Ana Tenesaca"
    # Saved like any upload: a JPEG under photos/ with an unguessable name, renditions.
    assert re.fullmatch(r"photos/[\w-]{22}\.jpg", photo.image.name)
    assert (photo.width, photo.height) == (800, 600) == stored_size(photo.image.name)
    assert {r["width"] for r in photo.renditions} == {480, 800}
    assert all(default_storage.exists(r["name"]) for r in photo.renditions)
    assert kept_files() == []
    assert sorted(media_names()) == sorted(
        [photo.image.name, *(r["name"] for r in photo.renditions)]
    )


def test_a_form_refused_again_keeps_offering_the_same_photo(uploader_client):
    kept = kept_value(refuse_for_missing_credit(uploader_client))

    response = resubmit(uploader_client, kept, author="", title_es="")

    assert kept_value(response) == kept
    assert "Kept: cathedral.png" in response.content.decode()
    assert len(kept_files()) == 1


def test_a_new_file_chosen_replaces_the_kept_one(
    uploader_client, django_capture_on_commit_callbacks
):
    kept = kept_value(refuse_for_missing_credit(uploader_client, width=800, height=600))
    data = photo_form(io.BytesIO(samples.jpeg(1000, 500)), author="Ana")
    data["image"].name = "market.jpg"

    with django_capture_on_commit_callbacks(execute=True):
        response = uploader_client.post(ADD_URL, {**data, "image-kept": kept})

    assert response.status_code == 302
    assert (Photo.objects.get().width, Photo.objects.get().height) == (1000, 500)


def test_nothing_is_kept_when_the_file_itself_is_refused(uploader_client):
    response = upload(uploader_client, "notes.jpg", b"<script>alert(1)</script>", author="")

    html = response.content.decode()
    assert "not a photo in an accepted format" in html
    assert "Kept:" not in html
    assert 'name="image-kept"' not in html
    assert list(media_names()) == []


def test_a_kept_photo_is_never_served(uploader_client, client, settings, s3_endpoint_if_used):
    refuse_for_missing_credit(uploader_client)
    [kept] = kept_files()
    if s3_endpoint_if_used:
        # Only photos/ is public in the bucket: the kept object is refused to anyone else.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(default_storage.url(kept))
        assert refused.value.code == 403
        return
    client.logout()
    media = f"/{settings.MEDIA_URL}"
    for address in (
        f"{media}{kept}",
        f"{media}photos/../{kept}",
        f"{media}./{kept}",
        f"{media}/{kept}",
        f"{media}{kept_uploads.PREFIX}",
    ):
        assert client.get(address).status_code == 404, address
        assert uploader_client.get(address).status_code == 404, address
    assert default_storage.exists(kept)


@pytest.fixture
def s3_endpoint_if_used(request):
    if os.environ.get("TEST_MEDIA_STORAGE") == "s3":
        return request.getfixturevalue("s3_endpoint")
    return None


def tampered(kept):
    payload, _separator, rest = kept.partition(":")
    return f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}:{rest}"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(tampered, id="tampered"),
        pytest.param(lambda kept: "photos/2024/01/someone-else.jpg", id="a path"),
        pytest.param(
            lambda kept: signing.dumps(
                {**signing.loads(kept, salt=kept_uploads.SIGNING_SALT), "token": "../../photos"},
                salt=kept_uploads.SIGNING_SALT,
            ),
            id="signed, but naming a path",
        ),
    ],
)
def test_a_forged_kept_value_is_refused_with_a_message_and_saves_nothing(uploader_client, forge):
    kept = kept_value(refuse_for_missing_credit(uploader_client))

    response = resubmit(uploader_client, forge(kept), author="Ana")

    assert response.status_code == 200
    assert GONE in response.context["adminform"].form.errors["image"]
    assert GONE in response.content.decode()
    assert not Photo.objects.exists()
    assert len(kept_files()) == 1  # only the one kept before, untouched


def test_two_uploaders_at_once_each_get_only_their_own_photo(
    client, django_capture_on_commit_callbacks, db
):
    rosa, luis = make_publishing_uploader(), make_publishing_uploader()
    rosa_client, luis_client = client, type(client)(HTTP_ACCEPT_LANGUAGE="en")
    rosa_client.force_login(rosa)
    luis_client.force_login(luis)
    rosa_kept = kept_value(refuse_for_missing_credit(rosa_client, "rosa.png", 800, 600))
    luis_kept = kept_value(refuse_for_missing_credit(luis_client, "luis.png", 600, 900))

    # Luis sends Rosa's kept photo as his own: refused, and nothing is saved.
    response = resubmit(luis_client, rosa_kept, author="Luis")
    assert GONE in response.content.decode()
    assert not Photo.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert resubmit(rosa_client, rosa_kept, author="Rosa").status_code == 302
        assert resubmit(luis_client, luis_kept, author="Luis").status_code == 302
    sizes = {p.uploaded_by: (p.width, p.height) for p in Photo.objects.all()}
    assert sizes == {rosa: (800, 600), luis: (600, 900)}
    assert kept_files() == []


def test_an_expired_kept_value_is_refused(uploader_client, monkeypatch):
    kept = kept_value(refuse_for_missing_credit(uploader_client))
    tomorrow = time.time() + 25 * 3600
    monkeypatch.setattr(signing, "time", types.SimpleNamespace(time=lambda: tomorrow))

    response = resubmit(uploader_client, kept, author="Ana")

    assert GONE in response.content.decode()
    assert not Photo.objects.exists()


def test_a_kept_photo_removed_meanwhile_is_asked_for_again(uploader_client):
    kept = kept_value(refuse_for_missing_credit(uploader_client))
    call_command("remove_kept_uploads", "--older-than", "0", stdout=io.StringIO())

    response = resubmit(uploader_client, kept, author="Ana")

    assert GONE in response.content.decode()
    assert 'name="image-kept"' not in response.content.decode()
    assert not Photo.objects.exists()


# The photo inline on the city form: each row gets its own photo back.


def city_form_with_photo_rows(client, city, rows):
    url = reverse("admin:cities_city_change", args=[city.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.pop("cover_photo", None)
    data.update(
        {
            "name_es": city.name_es,
            "narrative_es": city.narrative_es,
            "programs-TOTAL_FORMS": 0,
            "programs-INITIAL_FORMS": 0,
            "awards-TOTAL_FORMS": 0,
            "awards-INITIAL_FORMS": 0,
            "photos-TOTAL_FORMS": len(rows),
            "photos-INITIAL_FORMS": 0,
        }
    )
    for index, row in enumerate(rows):
        fields = {
            "title_es": f"Foto {index}",
            "alt_text_es": f"Una plaza con árboles, foto {index}",
            "licence": "all-rights-reserved",
            "status": "published",
            "order": index,
            "focal_x": 50,
            "focal_y": 50,
            **row,
        }
        data.update({f"photos-{index}-{name}": value for name, value in fields.items()})
    return url, data


def png_upload(name, width, height):
    file = io.BytesIO(samples.encode(samples.noisy(width, height), "PNG"))
    file.name = name
    return file


def test_photo_rows_of_a_refused_city_form_keep_their_own_photos(
    editor_client, django_capture_on_commit_callbacks
):
    city = make_city(name="Loja", slug="loja", cover=False)
    url, data = city_form_with_photo_rows(
        editor_client,
        city,
        [
            {"image": png_upload("gate.png", 800, 600), "author": ""},  # no credit
            {"image": png_upload("market.png", 600, 900), "author": "Rosa"},
        ],
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert CREDIT in html
    assert "Kept: gate.png (800 by 600 pixels" in html
    assert "Kept: market.png (600 by 900 pixels" in html
    first, second = kept_value(response, "photos-0-image"), kept_value(response, "photos-1-image")
    assert len(kept_files()) == 2

    _url, corrected = city_form_with_photo_rows(
        editor_client, city, [{"author": "Ana"}, {"author": "Rosa"}]
    )
    # Swapped between the rows, each row's kept value is refused.
    swapped = {**corrected, "photos-0-image-kept": second, "photos-1-image-kept": first}
    response = editor_client.post(url, swapped)
    assert response.status_code == 200
    assert response.content.decode().count(GONE) == 2
    assert not Photo.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url, {**corrected, "photos-0-image-kept": first, "photos-1-image-kept": second}
        )
    assert response.status_code == 302
    sizes = {photo.credit: (photo.width, photo.height) for photo in city.photos.all()}
    assert sizes == {"Ana": (800, 600), "Rosa": (600, 900)}
    assert all(photo.renditions for photo in city.photos.all())
    assert kept_files() == []


# Abandoned kept photos are removed after KEPT_UPLOAD_MAX_AGE_HOURS.


def keep_file(hours_old):
    name = f"{kept_uploads.PREFIX}{os.urandom(16).hex()}/photo.jpg"
    default_storage.save(name, ContentFile(samples.jpeg()))
    # Dated by the test clock (time.time() under TEST_CLOCK), not the file system's.
    then = time.time() - hours_old * 3600
    os.utime(default_storage.path(name), (then, then))
    return name


@pytest.fixture
def aged_settings(settings):
    # On the file system, where a file's age can be set (object storage dates every object
    # itself); the age rule is the same for both.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": FILE_SYSTEM}}
    settings.KEPT_UPLOAD_MAX_AGE_HOURS = 24
    return settings


def test_cleanup_removes_only_kept_photos_older_than_the_set_time(aged_settings, db):
    old, recent = keep_file(hours_old=25), keep_file(hours_old=23)

    out = io.StringIO()
    call_command("remove_kept_uploads", stdout=out)

    assert out.getvalue().splitlines() == [
        f"deleted: {old}",
        "Deleted 1 abandoned kept upload(s).",
    ]
    assert kept_files() == [recent]


def test_remove_orphaned_media_spares_kept_photos_until_they_expire(aged_settings, db):
    old, waiting = keep_file(hours_old=25), keep_file(hours_old=2)

    out = io.StringIO()
    call_command("remove_orphaned_media", "--delete", stdout=out)

    assert f"deleted: {old}" in out.getvalue()
    assert waiting not in out.getvalue()
    assert kept_files() == [waiting]
