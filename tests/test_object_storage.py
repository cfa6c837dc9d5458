"""Media on S3-compatible object storage and the cache in Redis, against real local servers:
moto's S3 server, started by the tests on 127.0.0.1 (see tests/s3.py), and the machine's
Redis."""

import io
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from cities.models import Photo
from learningcities.storage import S3MediaStorage
from tests.factories import make_city, make_photo, make_user, new_photo_form_data, uploaded_jpeg
from tests.s3 import bucket_storage, s3_client


@pytest.fixture
def bucket(settings, s3_endpoint):
    settings.STORAGES = {**settings.STORAGES, "default": bucket_storage(s3_endpoint)}
    return settings.STORAGES["default"]["OPTIONS"]["bucket_name"]


def objects_in(endpoint, bucket):
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_production_settings_put_media_on_s3_when_a_bucket_is_given():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.STORAGES['default']['BACKEND'], s.SERVE_MEDIA, "
            "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "learningcities.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "AWS_STORAGE_BUCKET_NAME": "learningcities-media",
            "AWS_S3_CUSTOM_DOMAIN": "media.learningcities.example.org",
        },
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split(maxsplit=2) == [
        "learningcities.storage.S3MediaStorage",
        "False",
        "[\"'self'\", 'data:', 'https://media.learningcities.example.org']\n",
    ]


@pytest.mark.django_db
def test_a_photo_uploaded_in_the_admin_lives_in_the_bucket_with_its_renditions(
    client, bucket, s3_endpoint, django_capture_on_commit_callbacks
):
    assert isinstance(storages["default"], S3MediaStorage)
    client.force_login(make_user("editor", is_staff=True, is_superuser=True))
    add = reverse("admin:cities_photo_add")
    # Published: the files of a photo that is not public are kept under private-photos/.
    data = new_photo_form_data(client, status="published")
    response = client.post(add, data)
    assert response.status_code == 302
    photo = Photo.objects.get()
    files = [photo.image.name, *(rendition["name"] for rendition in photo.renditions)]
    assert len(files) > 1
    assert objects_in(s3_endpoint, bucket) == sorted(files)
    assert photo.image.url.startswith(f"{s3_endpoint}/{bucket}/photos/")
    # What the browser would fetch is the stored image.
    with urllib.request.urlopen(photo.image.url) as served:
        assert served.read()[:3] == b"\xff\xd8\xff"

    # Deleting the photo deletes every one of its objects once the deletion is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:cities_photo_delete", args=[photo.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert objects_in(s3_endpoint, bucket) == []


@pytest.mark.django_db
def test_object_storage_down_while_uploading_gives_a_form_error_and_no_row(
    client, settings, bucket, s3_endpoint
):
    client.force_login(make_user("editor", is_staff=True, is_superuser=True))
    add = reverse("admin:cities_photo_add")
    data = new_photo_form_data(client, image=uploaded_jpeg("market.jpg"))
    # The bucket is gone (deleted, or the credentials lost their rights).
    s3_client(s3_endpoint).delete_bucket(Bucket=bucket)

    response = client.post(add, data)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors()
    assert error.startswith("The file could not be stored (the storage is unavailable).")
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_health_check_covers_object_storage(client, bucket, s3_endpoint):
    assert client.get("/healthz").json()["checks"]["media_storage"] == "ok"
    assert objects_in(s3_endpoint, bucket) == []
    s3_client(s3_endpoint).delete_bucket(Bucket=bucket)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["media_storage"] == "error: NoSuchBucket"


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_with_media_on_object_storage(settings, s3_endpoint, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": bucket_storage(s3_endpoint)}
    photos = [make_photo(title=f"Photo {n}") for n in range(3)]
    stored = {p.image.name: storages["default"].open(p.image.name).read() for p in photos}
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": bucket_storage(s3_endpoint),
    }  # a new, empty bucket
    call_command("restore", str(archive), stdout=io.StringIO())
    assert sorted(Photo.objects.values_list("title", flat=True)) == [
        "Photo 0",
        "Photo 1",
        "Photo 2",
    ]
    assert {name: storages["default"].open(name).read() for name in stored} == stored


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "learningcities.redis_cache.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    cache.clear()
    yield cache
    cache.clear()


def test_the_cache_url_selects_redis_with_short_timeouts():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "c = s.CACHES['default']; print(c['BACKEND'], c['LOCATION'], sorted(c['OPTIONS']))",
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "learningcities.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "CACHE_URL": "redis://127.0.0.1:6379/1",
        },
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "learningcities.redis_cache.RedisCache",
        "redis://127.0.0.1:6379/1",
        "['socket_connect_timeout',",
        "'socket_timeout']",
    ]


def test_the_cache_works_on_redis(redis_cache):
    redis_cache.set("greeting", {"es": "hola"}, timeout=30)
    assert redis_cache.get("greeting") == {"es": "hola"}
    redis_cache.set("counter", 1)
    assert redis_cache.incr("counter") == 2


@pytest.mark.django_db
def test_sessions_survive_across_app_servers_sharing_the_database(client, redis_cache):
    # Sessions live in the database, not in a server's memory: a second client holding the
    # same cookie (another app server behind the load balancer) is logged in as well.
    client.force_login(make_user("editor", is_staff=True))
    other_server = type(client)()
    other_server.cookies = client.cookies
    assert other_server.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_public_pages_and_health_check_work_with_redis(client, redis_cache):
    city = make_city(name="Quito")
    assert client.get(city.get_absolute_url()).status_code == 200
    assert client.get("/healthz").json()["checks"]["cache"] == "ok"


def test_the_redis_cache_keeps_one_client_for_all_its_operations(redis_cache):
    """Django's backend builds a redis-py client per operation; ours keeps one (faster)."""
    backend = redis_cache._cache
    first = backend.get_client("a")
    redis_cache.set("greeting", "hola")
    assert redis_cache.get("greeting") == "hola"
    assert backend.get_client("b", write=True) is first
    assert len(backend._clients) == 1
