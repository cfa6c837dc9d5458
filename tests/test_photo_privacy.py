"""Photos that are not public stay private: unguessable file names, files kept out of the
public media address, and an uploader sees no one else's unpublished photos anywhere."""

import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cities.models import Photo, Status
from cities.scheduling import publish_scheduled
from learningcities.storage import media_names
from tests.factories import make_city, make_photo

pytestmark = pytest.mark.django_db

TOKEN_NAME = r"[\w-]{22}"


def file_names(photo):
    return [photo.image.name, *(r["name"] for r in photo.renditions)]


def public_address_status(name):
    """What the public media address answers an anonymous visitor for a stored file."""
    url = default_storage.url(name)
    if url.startswith("http"):  # media on S3: the bucket itself answers
        try:
            with urllib.request.urlopen(url) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            return refused.code
    return Client().get(url).status_code


def checked_status(client, photo, name):
    return client.get(reverse("photo_file", args=[photo.pk, name.rsplit("/", 1)[1]])).status_code


def client_of(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def draft(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_photo(
            title="Embargoed photo", status=Status.DRAFT, uploaded_by=people["uploader"]
        )


def test_stored_names_are_unguessable_and_renditions_follow_them(draft):
    assert draft.image.name.startswith("private-photos/")
    stem = draft.image.name.removesuffix(".jpg")
    assert len(stem.removeprefix("private-photos/")) == 22
    assert draft.renditions
    for rendition in draft.renditions:
        assert rendition["name"].startswith(f"{stem}-")
    assert "embargo" not in draft.image.name.lower()


def test_a_drafts_files_are_refused_at_the_public_address(draft):
    for name in file_names(draft):
        assert public_address_status(name) in (403, 404), name
        assert default_storage.exists(name)


def test_a_drafts_files_are_served_only_to_its_uploader_and_editors(draft, people):
    expected = {None: 404, "other_uploader": 404, "uploader": 200, "editor": 200}
    for who, status in expected.items():
        client = client_of(people.get(who))
        for name in file_names(draft):
            assert checked_status(client, draft, name) == status, (who, name)
    # Only the photo's own files, by their exact names.
    editor = client_of(people["editor"])
    url = reverse("photo_file", args=[draft.pk, "other.jpg"])
    assert editor.get(url).status_code == 404


def test_the_checked_view_serves_the_file_sandboxed_and_privately(draft, people):
    response = client_of(people["uploader"]).get(draft.file_url(draft.image.name))
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "private" in response["Cache-Control"]


def test_publishing_moves_the_files_to_the_public_address(
    draft, django_capture_on_commit_callbacks
):
    private_names = file_names(draft)
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Status.PUBLISHED
        draft.save()
    draft.refresh_from_db()
    assert draft.image.name.startswith("photos/")
    for name in file_names(draft):
        assert public_address_status(name) == 200, name
    assert not set(private_names) & set(media_names())
    # And back: made a draft again, it leaves the public address.
    public_names = file_names(draft)
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Status.DRAFT
        draft.save()
    draft.refresh_from_db()
    assert draft.image.name.startswith("private-photos/")
    for name in public_names:
        assert not default_storage.exists(name)
    for name in file_names(draft):
        assert public_address_status(name) in (403, 404)


def test_a_scheduled_photo_becomes_public_when_due(people, django_capture_on_commit_callbacks):
    city = make_city()
    due = timezone.now() + timedelta(seconds=3)  # time enough to make the renditions
    with django_capture_on_commit_callbacks(execute=True):
        photo = make_photo(status=Status.PUBLISHED, published_at=due, city=city)
    photo.refresh_from_db()
    assert photo.image.name.startswith("private-photos/")
    assert checked_status(Client(), photo, photo.image.name) == 404
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.05)
    # The task run at that moment (cities.scheduling) moves the files and refreshes the pages.
    publish_scheduled()
    page = Client().get(photo.city.get_absolute_url())
    photo.refresh_from_db()
    assert photo.image.name.startswith("photos/")
    for name in file_names(photo):
        assert public_address_status(name) == 200, name
    assert default_storage.url(photo.renditions[0]["name"]) in page.text


def test_a_published_photo_is_served_publicly_and_through_the_checked_view(people):
    photo = make_photo(title="Public photo")
    assert photo.image.name.startswith("photos/")
    assert public_address_status(photo.image.name) == 200
    assert checked_status(Client(), photo, photo.image.name) == 200


# Point 5: an uploader sees their own unpublished photos, never other uploaders'.


def test_the_dashboard_lists_only_the_uploaders_own_drafts(draft, people):
    someone_elses = make_photo(
        title="Someone else's draft", status=Status.DRAFT, uploaded_by=people["other_uploader"]
    )
    for photo, author in ((draft, people["uploader"]), (someone_elses, people["other_uploader"])):
        photo._history_user = author  # saved by its uploader, as the admin records it
        photo.save()
    html = client_of(people["uploader"]).get(reverse("admin:index")).text
    assert "Embargoed photo" in html
    assert "Someone else&#x27;s draft" not in html and "Someone else's draft" not in html
    # Editors see both among the recent changes by others.
    editor_html = client_of(people["editor"]).get(reverse("admin:index")).text
    assert "Embargoed photo" in editor_html and "Someone else&#x27;s draft" in editor_html


def test_city_pages_show_an_uploader_only_their_own_drafts_and_previews_none(draft, people):
    city = make_city(name="Cuenca")
    Photo.objects.filter(pk=draft.pk).update(city=city)
    make_photo(title="Another draft", status=Status.DRAFT, city=city)
    make_photo(title="Public gallery photo", city=city)
    for user, sees_own, sees_other in (
        (people["uploader"], True, False),
        (people["other_uploader"], False, False),
        (people["editor"], True, True),
        (None, False, False),
    ):
        html = client_of(user).get(city.get_absolute_url()).text
        assert "Public gallery photo" in html
        assert ("Embargoed photo" in html) == sees_own, user
        assert ("Another draft" in html) == sees_other, user
    # The preview shows the city as the public will see it: no draft photo at all.
    preview = client_of(people["editor"]).get(reverse("cities:preview", args=[city.slug]))
    assert "Public gallery photo" in preview.text
    assert "Embargoed photo" not in preview.text and "Another draft" not in preview.text


def test_the_admin_list_and_the_visible_rule_agree(draft, people):
    other = make_photo(title="Another draft", status=Status.DRAFT, uploaded_by=people["editor"])
    uploader = people["uploader"]
    assert set(Photo.objects.visible_to(uploader)) == {draft, *Photo.objects.published()}
    assert draft.is_visible_to(uploader) and not other.is_visible_to(uploader)
    html = client_of(uploader).get(reverse("admin:cities_photo_changelist")).text
    assert "Embargoed photo" in html and "Another draft" not in html
    assert client_of(uploader).get(other.file_url(other.image.name)).status_code == 404
