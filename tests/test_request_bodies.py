"""Request bodies: public pages take none, the admin takes up to MAX_REQUEST_BODY, and an
oversized body is refused before it is read (learningcities.middleware)."""

import contextlib
import http.client
import select
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.live_site import Server, copy_prepared_site, free_port, server_environment_for_tests

LOGIN = reverse("admin:login")
MB = 1024 * 1024


def test_the_default_cap_is_five_full_size_photos():
    assert settings.MAX_REQUEST_BODY == 5 * settings.PHOTO_MAX_UPLOAD_SIZE == 100 * MB


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
    # Reading request.POST is what wrote the uploads to the temporary folder.
    monkeypatch.setattr(
        "django.http.HttpRequest._load_post_and_files",
        lambda request: pytest.fail("the posted form was read"),
    )
    assert client.post("/healthz", {"a": "b"}).status_code == 405


@pytest.mark.django_db
def test_the_admin_refuses_a_body_larger_than_the_cap_unread(client, settings, monkeypatch):
    settings.MAX_REQUEST_BODY = 1000
    monkeypatch.setattr(
        "django.http.HttpRequest._load_post_and_files",
        lambda request: pytest.fail("the posted form was read"),
    )
    response = client.post(LOGIN, {"username": "x" * 2000})
    assert response.status_code == 413
    assert "too large" in response.text
    # As announced, whatever the body turns out to be.
    assert client.post(LOGIN, {"a": "b"}, CONTENT_LENGTH="1001").status_code == 413


@pytest.mark.django_db
def test_the_admin_login_still_takes_posts_up_to_the_cap(client, settings):
    settings.MAX_REQUEST_BODY = 1000
    response = client.post(LOGIN, {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text


class TemporaryFolderWatch(threading.Thread):
    """The most the folder held at any moment while watched: uploads are deleted at the
    end of the request, so only a look during it sees them."""

    def __init__(self, folder):
        super().__init__(daemon=True)
        self.folder, self.most, self.watching = Path(folder), 0, True

    def size(self):
        total = 0
        for path in self.folder.rglob("*"):
            with contextlib.suppress(FileNotFoundError):  # removed since it was listed
                total += path.stat().st_size if path.is_file() else 0
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
    """The statuses of the posts to `path` in gunicorn's access log, oldest first."""
    lines = [line for line in server.log.read_text().splitlines() if f'"POST {path} ' in line]
    return [int(line.split('" ')[1].split()[0]) for line in lines]


def next_logged_status(server, path, before):
    """The status of the post logged after the `before` first ones (written after the answer)."""
    deadline = time.monotonic() + 10
    while len(logged := posts_logged(server, path)) <= before:
        assert time.monotonic() < deadline, server.log.read_text()[-3000:]
        time.sleep(0.1)
    return logged[before]


@pytest.mark.parametrize(
    ("path", "chunked", "status"),
    [
        pytest.param("/es/", False, 405, id="a public page"),
        pytest.param(LOGIN, False, 413, id="the admin login, with a length"),
        # Django reads nothing of a body without a length: the form arrives empty.
        pytest.param(LOGIN, True, 403, id="the admin login, chunked"),
    ],
)
def test_hundreds_of_megabytes_are_refused_at_once_and_never_stored(server, path, chunked, status):
    logged = len(posts_logged(server, path))
    watch = TemporaryFolderWatch(server.temporary)
    before = watch.size()
    watch.start()
    started = time.monotonic()
    answered = stream(server, path, 400 * MB, chunked=chunked)
    elapsed = time.monotonic() - started
    most = watch.stop()
    assert answered in (status, None)
    assert next_logged_status(server, path, logged) == status
    assert elapsed < 10
    assert most - before < 3 * MB
