"""Request bodies: public pages take none, the admin's forms up to MAX_FORM_BODY, its photo
addresses up to MAX_REQUEST_BODY from a logged-in person, and an oversized body is refused
before it is read (learningcities.middleware, and the front of `make serve`)."""

import contextlib
import http.client
import os
import re
import select
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_user
from tests.live_site import (
    Editor,
    Server,
    copy_prepared_site,
    free_port,
    server_environment_for_tests,
)

# On one xdist worker with tests/test_concurrent_editing.py: the site they copy is prepared once.
pytestmark = pytest.mark.xdist_group("prepared site")

LOGIN = reverse("admin:login")
PHOTO_ADD = reverse("admin:cities_photo_add")
MB = 1024 * 1024


def refuse_reading_forms(monkeypatch):
    # Reading request.POST is what writes uploads to the temporary folder.
    monkeypatch.setattr(
        "django.http.HttpRequest._load_post_and_files",
        lambda request: pytest.fail("the posted form was read"),
    )


def test_the_default_caps_are_five_full_size_photos_and_two_megabytes_of_form():
    assert settings.MAX_REQUEST_BODY == 5 * settings.PHOTO_MAX_UPLOAD_SIZE == 100 * MB
    assert settings.MAX_FORM_BODY == 2 * MB


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_public_pages_refuse_anything_but_get_and_head(client, method):
    response = getattr(client, method)("/es/", {"field": "value"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.get("/es/").status_code == 200
    assert client.head("/es/").status_code == 200


@pytest.mark.django_db
def test_a_post_outside_the_admin_is_refused_before_its_form_is_read(client, monkeypatch):
    refuse_reading_forms(monkeypatch)
    assert client.post("/healthz", {"a": "b"}).status_code == 405


@pytest.mark.django_db
def test_the_login_refuses_a_body_larger_than_a_form_unread(client, settings, monkeypatch):
    settings.MAX_FORM_BODY = 1000
    refuse_reading_forms(monkeypatch)
    response = client.post(LOGIN, {"username": "x" * 2000})
    assert response.status_code == 413
    assert "too large" in response.text
    # As announced, whatever the body turns out to be.
    assert client.post(LOGIN, {"a": "b"}, CONTENT_LENGTH="1001").status_code == 413


@pytest.mark.django_db
def test_a_photo_sized_body_is_read_only_from_a_logged_in_person(client, settings, monkeypatch):
    settings.MAX_FORM_BODY, settings.MAX_REQUEST_BODY = 1000, 5000
    with monkeypatch.context() as unread:
        refuse_reading_forms(unread)
        assert client.post(PHOTO_ADD, {"title": "x" * 2000}).status_code == 413
        # A made-up session cookie is no login.
        client.cookies[settings.SESSION_COOKIE_NAME] = "made-up"
        assert client.post(PHOTO_ADD, {"title": "x" * 2000}).status_code == 413
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.post(PHOTO_ADD, {"title": "x" * 2000})
    assert response.status_code == 200
    assert "This field is required." in response.text  # the form was read: no photo chosen
    assert client.post(PHOTO_ADD, {"title": "x" * 6000}).status_code == 413


@pytest.mark.django_db
def test_the_admin_login_still_takes_posts_up_to_the_cap(client, settings):
    settings.MAX_FORM_BODY = 1000
    response = client.post(LOGIN, {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text


class TemporaryFolderWatch(threading.Thread):
    """The most the server's temporary files held at any moment while watched: the app's, in
    its temporary folder, and the front's, the bodies nginx reads before the app. Both are
    deleted at the end of the request, and nginx's as soon as it opens them, so only a look
    during the request, at what nginx's workers hold open, sees them."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.folder, self.most, self.watching = server.temporary, 0, True
        self.front_bodies = f"{server.run_dir / 'client-body'}/"
        master = (server.run_dir / "nginx.pid").read_text().strip()
        self.front_workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()

    def size(self):
        total = 0
        for path in self.folder.rglob("*"):
            with contextlib.suppress(FileNotFoundError):  # removed since it was listed
                total += path.stat().st_size if path.is_file() else 0
        for worker in self.front_workers:
            for descriptor in Path(f"/proc/{worker}/fd").iterdir():
                with contextlib.suppress(FileNotFoundError):  # closed since it was listed
                    if os.readlink(descriptor).startswith(self.front_bodies):
                        total += descriptor.stat().st_size
        return total

    def run(self):
        while self.watching:
            self.most = max(self.most, self.size())
            time.sleep(0.02)

    def stop(self):
        self.watching = False
        self.join()
        return self.most


@pytest.fixture(scope="module")
def server(tmp_path_factory, prepared_site):
    workdir = tmp_path_factory.mktemp("bodies")
    copy_prepared_site(prepared_site, workdir)
    temporary = workdir / "tmp"
    temporary.mkdir()
    environment = server_environment_for_tests(workdir, free_port(), TMPDIR=str(temporary))
    server = Server(environment, workdir / "serve.log").start()
    server.temporary = temporary
    yield server
    server.stop()


def multipart_parts(total, boundary, part_size=10 * MB):
    """A form of photo-sized file parts, `total` bytes in all, made as it is sent."""
    chunk = b"\xff" * MB
    sent = 0
    number = 0
    while sent < total:
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="photo{number}"; filename="p{number}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        yield head
        for _ in range(part_size // MB):
            yield chunk
        yield b"\r\n"
        sent += len(head) + part_size + 2
        number += 1
    yield f"--{boundary}--\r\n".encode()


def stream(server, path, total, chunked=False):
    """POST `total` bytes of file parts to `path`, stopping when the server answers; the
    status, or None if the connection was closed before the answer could be read."""
    boundary = uuid.uuid4().hex
    body = list(multipart_parts(total, boundary))  # pieces are shared, so this is small
    length = sum(len(piece) for piece in body)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    if chunked:
        connection.putheader("Transfer-Encoding", "chunked")
    else:
        connection.putheader("Content-Length", str(length))
    connection.endheaders()
    try:
        for piece in body:
            if select.select([connection.sock], [], [], 0)[0]:
                break  # the answer has come: the server wants no more
            connection.sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        else:
            if chunked:
                connection.sock.sendall(b"0\r\n\r\n")
        return connection.getresponse().status
    except (ConnectionResetError, BrokenPipeError):
        return None
    finally:
        connection.close()


def posts_logged(server, path):
    """The statuses of the posts to `path` in the front's access log, oldest first."""
    logged = re.compile(rf'"POST {re.escape(path)} HTTP/[\d.]+" (\d{{3}}) ')
    return [int(status) for status in logged.findall(server.log.read_text())]


def next_logged_status(server, path, before):
    """The status of the post logged after the `before` first ones (written after the answer)."""
    deadline = time.monotonic() + 10
    while len(logged := posts_logged(server, path)) <= before:
        assert time.monotonic() < deadline, server.log.read_text()[-3000:]
        time.sleep(0.1)
    return logged[before]


# Through the front of `make serve`, which reads whole bodies before the app sees them: it
# refuses anything larger than a form but at the photo addresses, where the app refuses
# anyone not logged in, unread.
@pytest.mark.parametrize(
    ("path", "size", "chunked"),
    [
        pytest.param("/es/", 400 * MB, False, id="a public page"),
        pytest.param(LOGIN, 20 * MB, False, id="the admin login, 20 MB"),
        pytest.param(LOGIN, 400 * MB, False, id="the admin login, with a length"),
        pytest.param(LOGIN, 400 * MB, True, id="the admin login, chunked"),
        pytest.param(PHOTO_ADD, 30 * MB, False, id="a photo address, anonymous"),
    ],
)
def test_large_bodies_are_refused_at_once_and_never_stored(server, path, size, chunked):
    logged = len(posts_logged(server, path))
    watch = TemporaryFolderWatch(server)
    before = watch.size()
    watch.start()
    started = time.monotonic()
    answered = stream(server, path, size, chunked=chunked)
    elapsed = time.monotonic() - started
    most = watch.stop()
    assert answered in (413, None)
    assert next_logged_status(server, path, logged) == 413
    assert elapsed < 10
    assert most - before < 3 * MB


def test_a_logged_in_person_posts_a_photo_sized_body_through_the_front(server):
    account = server.set_up_editors(1)[0]
    editor = Editor(server.url, account["username"])
    url, fields, files = editor.add_photo(account["city"], b"\xff" * (5 * MB))
    response = editor.save(url, fields, files)
    # Read by the app, which shows the form again: these bytes are no photo.
    assert response.status_code == 200
    assert "Este archivo no es una foto en un formato aceptado" in response.text
