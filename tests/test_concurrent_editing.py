"""Editors saving at the same moment on the production server (`make serve`, several gunicorn
workers): every save waits its turn, none is refused or lost; a crash in the middle of a
burst of saves leaves nothing half-written; two publishers approving at once publish once.
SQLite always, PostgreSQL too when the suite runs on it (CI's second run)."""

import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
import requests
from django.conf import settings

from tests.live_site import (
    EDITOR_PASSWORD,
    Editor,
    Server,
    copy_prepared_site,
    form_fields,
    free_port,
    scratch_database,
    server_environment_for_tests,
)
from tests.photo_samples import jpeg

# On one xdist worker with tests/test_request_bodies.py: the site they copy is prepared once.
pytestmark = pytest.mark.xdist_group("prepared site")

# Each server gets a database of its own, of the suite's kind: a SQLite file, or when the suite
# runs on PostgreSQL a new database on its server. Once each (CI's SQLite pass has SQLite's):
# they take minutes.
DATABASES = {"sqlite": None}
if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES = {"postgresql": os.environ["DATABASE_URL"]}
VENDORS = list(DATABASES)


def start_site(workdir, database_url, prepared_site):
    if database_url.startswith("sqlite"):
        copy_prepared_site(prepared_site, workdir)
    environment = server_environment_for_tests(workdir, free_port(), database_url)
    return Server(environment, workdir / "serve.log").start()


@pytest.fixture(scope="module", params=VENDORS)
def server(request, tmp_path_factory, prepared_site):
    workdir = tmp_path_factory.mktemp(f"editing-{request.param}")
    with scratch_database(workdir, DATABASES[request.param]) as database_url:
        server = start_site(workdir, database_url, prepared_site)
        try:
            server.accounts = server.set_up_editors(10)
            yield server
        finally:
            server.stop()


def at_once(actions):
    """Run each action in its own thread, all released at the same moment; their results."""
    barrier = threading.Barrier(len(actions))

    def run(action):
        barrier.wait()
        return action()

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))


def test_eight_editors_saving_different_cities_at_once_are_all_saved(server):
    accounts = server.accounts[:8]
    editors = [Editor(server.url, account["username"]) for account in accounts]
    for round_number in range(3):
        saves = []
        for editor, account in zip(editors, accounts, strict=True):
            tagline = f"{editor.username}, round {round_number}"
            url, fields = editor.change_city(account["city"], tagline=tagline)
            saves.append(partial(editor.save, url, fields))

        responses = at_once(saves)

        assert [response.status_code for response in responses] == [302] * 8, [
            response.text[:500] for response in responses if response.status_code != 302
        ]
        assert all(r.headers["Location"].endswith("/cities/city/") for r in responses), [
            r.headers["Location"] for r in responses
        ]
    taglines = server.saved_state()["taglines"]
    assert [taglines[str(account["city"])] for account in accounts] == [
        f"{editor.username}, round 2" for editor in editors
    ]


def test_ten_photo_uploads_at_once_are_all_stored_with_their_files(server):
    editors = [Editor(server.url, account["username"]) for account in server.accounts]
    uploads = []
    for number, (editor, account) in enumerate(zip(editors, server.accounts, strict=True)):
        url, fields, files = editor.add_photo(
            account["city"],
            jpeg(800, 600),
            title=f"Upload {number}",
            alt_text="A square with trees and benches",
            author="Ana",
        )
        uploads.append(partial(editor.save, url, fields, files))

    responses = at_once(uploads)

    assert [response.status_code for response in responses] == [302] * 10, [
        response.text[:500] for response in responses if response.status_code != 302
    ]
    state = server.saved_state()
    photos = [photo for photo in state["photos"] if photo["title"].startswith("Upload ")]
    assert sorted(photo["title"] for photo in photos) == sorted(f"Upload {n}" for n in range(10))
    for photo in photos:
        assert len(photo["files"]) > 1  # the photo and its renditions
        assert set(photo["files"]) <= set(state["photo_files"])


class Burst:
    """Editors saving again and again until the server dies: city edits and, for every third
    editor, photo uploads. What the server acknowledged (a 302) is remembered, what it refused,
    and what was in flight when it died."""

    def __init__(self, editors, accounts):
        self.acknowledged = {editor.username: [] for editor in editors}
        self.uploaders = {editor.username for editor in editors[2::3]}
        self.in_flight, self.refused, self.saving = {}, [], 0
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.run, args=(editor, account))
            for editor, account in zip(editors, accounts, strict=True)
        ]

    def run(self, editor, account):
        for number in range(1000):
            value = f"{editor.username} save {number}"
            try:
                if editor.username in self.uploaders:
                    url, fields, files = editor.add_photo(
                        account["city"],
                        jpeg(800, 600),
                        title=value,
                        alt_text="A bridge",
                        author="Ana",
                    )
                else:
                    url, fields = editor.change_city(account["city"], tagline=value)
                    files = None
                with self.lock:
                    self.in_flight[editor.username] = value
                    self.saving += 1
                response = editor.save(url, fields, files)
            except requests.RequestException:
                return  # the server is gone
            with self.lock:
                self.saving -= 1
                if response.status_code == 302:
                    self.acknowledged[editor.username].append(value)
                else:
                    self.refused.append((value, response.status_code, response.text[:500]))

    def saves(self):
        return sum(len(values) for values in self.acknowledged.values())


SET_UP_REVIEW = """
import json
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from cities.models import City, ReviewRequest
from learningcities.editorial.versions import newest_version_id
password = make_password("%(password)s")
groups = Group.objects.filter(name__in=["Editors", "Publishers"])
for name in ("publisher-1", "publisher-2"):
    user = User.objects.create(username=name, password=password, is_staff=True)
    user.groups.set(groups)
city = City.objects.get(pk=%(city)d)
review = ReviewRequest.objects.create(
    item=city,
    version_id=newest_version_id(city),
    submitted_by=User.objects.get(username="editor-9"),
)
print(json.dumps({"review": review.pk}))
"""

PUBLICATIONS = """
import json
from cities.models import City, ReviewRequest
city = City.objects.get(pk=%(city)d)
review = ReviewRequest.objects.get(pk=%(review)d)
print(json.dumps({
    "status": city.status,
    "publications": city.history.filter(history_change_reason="approved and published").count(),
    "state": review.state,
    "reviewer": review.reviewer.username,
}))
"""


def test_two_publishers_approving_at_once_publish_once(server):
    city = server.accounts[9]["city"]
    output = server.manage(script=SET_UP_REVIEW % {"password": EDITOR_PASSWORD, "city": city})
    review = json.loads(output.strip().splitlines()[-1])["review"]
    url = f"{server.url}/admin/cities/reviewrequest/{review}/review/"
    approvals = []
    for name in ("publisher-1", "publisher-2"):
        publisher = Editor(server.url, name)
        publisher.http.headers["Accept-Language"] = "en"
        fields = form_fields(publisher.get(url).text, "review_form")
        approvals.append(
            partial(
                publisher.http.post,
                url,
                [*fields, ("_approve", "Approve")],
                allow_redirects=False,
                timeout=60,
            )
        )

    responses = at_once(approvals)

    assert sorted(response.status_code for response in responses) == [302, 409]
    refused = next(response for response in responses if response.status_code == 409)
    assert "It was already approved by" in refused.text
    output = server.manage(script=PUBLICATIONS % {"city": city, "review": review})
    outcome = json.loads(output.strip().splitlines()[-1])
    assert outcome["status"] == "published" and outcome["publications"] == 1
    assert outcome["state"] == "approved"
    assert outcome["reviewer"] in ("publisher-1", "publisher-2")


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_crash_in_the_middle_of_saves_leaves_nothing_half_written(
    vendor, tmp_path, prepared_site
):
    with scratch_database(tmp_path, DATABASES[vendor]) as database_url:
        server = start_site(tmp_path, database_url, prepared_site)
        try:
            accounts = server.set_up_editors(6)
            editors = [Editor(server.url, account["username"]) for account in accounts]
            burst = Burst(editors, accounts)
            for thread in burst.threads:
                thread.start()
            # Killed once saves are under way, every editor's first one among them (the
            # uploader's are slower: once it had none yet), and some are being written now.
            deadline = time.monotonic() + 120
            while burst.saves() < 20 or burst.saving == 0 or not all(burst.acknowledged.values()):
                assert time.monotonic() < deadline, "the burst of saves did not get going"
                time.sleep(0.01)
            server.stop(signal.SIGKILL)
            for thread in burst.threads:
                thread.join(timeout=60)

            server.start()
            state = server.saved_state()
            # Files of a save the crash cut short, written before their row was committed,
            # have no row: the operator's `remove_orphaned_media` finds and removes them.
            server.manage("remove_orphaned_media", "--delete", "--min-age", "0")
            files_after_cleanup = set(server.saved_state()["photo_files"])
        finally:
            server.stop()

    assert burst.refused == []
    assert state["integrity"] == "ok"
    photo_titles = {photo["title"] for photo in state["photos"]}
    for editor, account in zip(editors, accounts, strict=True):
        acknowledged = burst.acknowledged[editor.username]
        assert acknowledged, f"{editor.username} saved nothing before the crash"
        if editor.username in burst.uploaders:
            assert set(acknowledged) <= photo_titles
        else:
            # The last acknowledged save, or the one the crash interrupted if it got committed.
            assert state["taglines"][str(account["city"])] in {
                acknowledged[-1],
                burst.in_flight[editor.username],
            }
    # No row without its files; and after the clean-up, no file without its row.
    stored = set(state["photo_files"])
    for photo in state["photos"]:
        assert set(photo["files"]) <= stored, f"{photo['title']} lost files in the crash"
    referenced = {name for photo in state["photos"] for name in photo["files"]}
    assert files_after_cleanup == referenced


SET_UP_LIVE_CITY = """
import json
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from cities.models import City, Status
password = make_password("%(password)s")
groups = Group.objects.filter(name__in=["Editors", "Publishers"])
for name in ("drafts-publisher-1", "drafts-publisher-2"):
    User.objects.create(username=name, password=password, is_staff=True).groups.set(groups)
city = City.objects.get(pk=%(city)d)
city.status = Status.PUBLISHED
city.save()
print(json.dumps({"tagline": city.tagline_es}))
"""

DRAFT_STATE = """
import json
from cities.models import City, Draft
city = City.objects.get(pk=%(city)d)
drafts = Draft.objects.of(city)
print(json.dumps({
    "drafts": [[d.state, d.created_by.username, d.data["tagline_es"][0]] for d in drafts],
    "tagline": city.tagline_es,
    "publications": city.history.filter(
        history_change_reason__startswith="changes published from draft "
    ).count(),
}))
"""


def test_two_drafts_of_one_live_city_at_once_and_two_publications_of_it(server):
    """Two editors save a draft of one published city at the same moment: one draft is kept,
    the other editor is told whose draft theirs met, with their typing still in the form.
    Then two publishers publish that draft at the same moment: it is published once."""
    # Cities 0 to 7 are the eight editors' of the first test, 9 the approvals': in any order,
    # none of them becomes live here.
    city = server.accounts[8]["city"]
    live = json.loads(
        server.manage(script=SET_UP_LIVE_CITY % {"password": EDITOR_PASSWORD, "city": city})
        .strip()
        .splitlines()[-1]
    )["tagline"]
    saves = []
    for account in server.accounts[8:10]:
        editor = Editor(server.url, account["username"])
        editor.http.headers["Accept-Language"] = "en"
        url, fields = editor.change_city(city, tagline=f"Draft by {editor.username}")
        saves.append(partial(editor.save, url, fields))

    responses = at_once(saves)

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "after you opened it" in refused.text
    state = json.loads(server.manage(script=DRAFT_STATE % {"city": city}).strip().splitlines()[-1])
    ((draft_state, author, tagline),) = state["drafts"]
    assert draft_state == "open" and tagline == f"Draft by {author}"
    assert f"Draft by {'editor-8' if author == 'editor-9' else 'editor-9'}" in refused.text
    assert state["tagline"] == live  # nothing public changed

    publications = []
    for name in ("drafts-publisher-1", "drafts-publisher-2"):
        publisher = Editor(server.url, name)
        url, fields = publisher.change_city(city)
        publications.append(partial(publisher.save, url, fields))

    responses = at_once(publications)

    assert sorted(response.status_code for response in responses) == [302, 409]
    state = json.loads(server.manage(script=DRAFT_STATE % {"city": city}).strip().splitlines()[-1])
    assert state["drafts"] == [["published", author, f"Draft by {author}"]]
    assert state["tagline"] == f"Draft by {author}" and state["publications"] == 1
