"""Background work (docs/background-tasks.md): what is scheduled is published by a task at its
time, with no web request and never by a visitor's; mail is written in its reader's language.
The tasks wait in the database for the worker (`manage.py db_worker`), run here in the test
(`run_worker`) and once as a real process, alone and as `make serve` starts it."""

import os
import signal
import subprocess
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from cities import drafts
from cities.models import City, ContentVersion, Draft, DraftState, LanguagePreference, OutgoingMail
from cities.notifications import queue_mail
from cities.scheduling import publish_scheduled_content
from tests.factories import (
    logged_in_client,
    make_city,
    make_publisher,
    make_staff,
    make_user,
    new_photo_form_data,
)
from tests.live_site import PYTHON, ROOT, Server, copy_prepared_site, free_port, server_environment
from tests.smtp import run_worker
from tests.test_drafts import DRAFTED, LIVE, public_page, save_draft

pytestmark = pytest.mark.usefixtures("database_tasks")

NOT_APPROVED = gettext_lazy("Not approved: %(item)s")


def scheduled_draft(when, publisher=None):
    """Quito, live with LIVE, and a draft of it (DRAFTED) scheduled by a publisher for `when`."""
    quito = make_city(name="Quito", slug="quito", narrative=LIVE, narrative_es=LIVE, cover=False)
    publisher = publisher or make_publisher(username="pablo", email="pablo@example.org")
    assert save_draft(logged_in_client(publisher), quito, narrative_en=DRAFTED).status_code == 302
    return quito, drafts.schedule(Draft.objects.get().pk, publisher, when)


def publication_tasks():
    return DBTaskResult.objects.filter(task_path=publish_scheduled_content.module_path)


def visit(path, pages, errors):
    try:
        pages.append(Client().get(path))
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_due_draft_is_published_once_by_the_worker_while_eight_visitors_arrive(monkeypatch):
    when = timezone.now() + timedelta(hours=1)
    quito, draft = scheduled_draft(when)
    assert list(publication_tasks().values_list("run_after", flat=True)) == [when]
    published_by = []
    apply = drafts.apply
    monkeypatch.setattr(
        drafts,
        "apply",
        lambda *args: published_by.append(threading.current_thread()) or apply(*args),
    )

    with time_machine.travel(when + timedelta(seconds=1), tick=True):
        # Visitors at the due moment get the page as it was: they publish nothing.
        pages, errors = [], []
        visitors = [
            threading.Thread(target=visit, args=(f"/en/cities/{quito.slug}/", pages, errors))
            for _ in range(8)
        ]
        for visitor in visitors:
            visitor.start()
        for visitor in visitors:
            visitor.join()
        assert not errors and [page.status_code for page in pages] == [200] * 8
        assert all("every parish" not in page.text for page in pages)
        assert published_by == []
        assert Draft.objects.get().state == DraftState.OPEN

        # The worker, with eight more visitors arriving as it runs.
        visitors = [
            threading.Thread(target=visit, args=(f"/en/cities/{quito.slug}/", pages, errors))
            for _ in range(8)
        ]
        for visitor in visitors:
            visitor.start()
        run_worker()
        for visitor in visitors:
            visitor.join()
        assert not errors and len(pages) == 16
        assert published_by == [threading.main_thread()]
        run_worker()  # nothing is left to do
        call_command("publish_scheduled", verbosity=0)  # nor for cron
        assert "every parish" in public_page(quito).text

    assert published_by == [threading.main_thread()]
    draft.refresh_from_db()
    assert (draft.state, draft.closed_by) == (DraftState.PUBLISHED, draft.scheduled_by)
    quito.refresh_from_db()
    assert quito.narrative_en == DRAFTED
    assert quito.history.filter(history_user=draft.scheduled_by).count() == 1
    assert publication_tasks().get().status == "SUCCESSFUL"
    assert not OutgoingMail.objects.exists()  # no "not published" mail


# Committed, so that the tasks are enqueued.
@pytest.mark.django_db(transaction=True)
class TestTheTaskChecksAgainWhenItRuns:
    def test_a_rescheduled_draft_is_published_at_its_new_time_only(self):
        first = timezone.now() + timedelta(hours=1)
        _quito, draft = scheduled_draft(first)
        later = first + timedelta(hours=1)
        drafts.schedule(draft.pk, draft.scheduled_by, later)
        with time_machine.travel(first + timedelta(seconds=1)):
            run_worker()
        assert Draft.objects.get().state == DraftState.OPEN
        with time_machine.travel(later + timedelta(seconds=1)):
            run_worker()
        assert Draft.objects.get().state == DraftState.PUBLISHED
        assert sorted(publication_tasks().values_list("run_after", flat=True)) == [first, later]

    def test_a_discarded_draft_is_not_published(self):
        when = timezone.now() + timedelta(hours=1)
        quito, draft = scheduled_draft(when)
        drafts.discard(draft.pk, draft.scheduled_by)
        with time_machine.travel(when + timedelta(seconds=1)):
            run_worker()
        quito.refresh_from_db()
        assert quito.narrative_en == LIVE
        assert Draft.objects.get().state == DraftState.DISCARDED

    def test_a_scheduler_who_may_no_longer_publish_publishes_nothing_and_is_told(self):
        when = timezone.now() + timedelta(hours=1)
        quito, draft = scheduled_draft(when)
        draft.scheduled_by.groups.remove(*draft.scheduled_by.groups.filter(name="Publishers"))
        with time_machine.travel(when + timedelta(seconds=1)):
            run_worker()
        quito.refresh_from_db()
        assert quito.narrative_en == LIVE
        draft.refresh_from_db()
        assert (draft.state, draft.publish_at) == (DraftState.OPEN, None)
        assert draft.problem == "The person who scheduled it can no longer publish."
        assert OutgoingMail.objects.get(recipient="pablo@example.org").subject.startswith(
            "Not published"
        )

    def test_a_scheduled_city_changes_the_cached_pages_once_when_its_task_runs(self):
        when = timezone.now() + timedelta(hours=1)
        city = make_city(name="Riobamba", slug="riobamba", published_at=when, cover=False)
        assert list(publication_tasks().values_list("run_after", flat=True)) == [when]
        assert "Riobamba" not in Client().get("/en/cities/").text
        version = ContentVersion.current().version
        with time_machine.travel(when + timedelta(seconds=1)):
            # Public by the clock, but the cached page is kept until the task runs.
            assert City.objects.published().filter(pk=city.pk).exists()
            assert "Riobamba" not in Client().get("/en/cities/").text
            run_worker()
            call_command("publish_scheduled", verbosity=0)
            assert ContentVersion.current().version == version + 1
            assert "Riobamba" in Client().get("/en/cities/").text

    def test_an_unscheduled_city_changes_nothing_at_its_old_time(self):
        when = timezone.now() + timedelta(hours=1)
        city = make_city(name="Riobamba", slug="riobamba", published_at=when, cover=False)
        city.status = "draft"
        city.save()
        version = ContentVersion.current().version
        with time_machine.travel(when + timedelta(seconds=1)):
            run_worker()
        assert ContentVersion.current().version == version


@pytest.mark.django_db
def test_publish_scheduled_publishes_what_is_due_once(capsys):
    when = timezone.now() + timedelta(minutes=10)
    quito, _draft = scheduled_draft(when)
    call_command("publish_scheduled")
    assert Draft.objects.get().state == DraftState.OPEN
    with time_machine.travel(when):
        call_command("publish_scheduled")
        call_command("publish_scheduled")
    assert capsys.readouterr().out.splitlines() == [
        "Published 0 scheduled draft(s).",
        "Published 1 scheduled draft(s).",
        "Published 0 scheduled draft(s).",
    ]
    quito.refresh_from_db()
    assert quito.narrative_en == DRAFTED


class TestMailInTheReadersLanguage:
    pytestmark = pytest.mark.django_db

    def test_each_reader_gets_the_mail_in_their_own_language(self):
        make_publisher(username="pablo", email="pablo@example.org", language="es")
        make_publisher(username="emma", email="emma@example.org")
        uploader = make_staff("Photo uploaders", username="ana", email="ana@example.org")
        client = logged_in_client(uploader)  # working in English
        data = new_photo_form_data(client, title="Plaza Grande")
        client.post(reverse("admin:cities_photo_add"), {**data, "_submit_for_review": "1"})

        mails = {mail.recipient: mail for mail in OutgoingMail.objects.all()}
        assert mails["pablo@example.org"].subject == "En espera de su revisión: Plaza Grande"
        assert "envió" in mails["pablo@example.org"].body
        assert mails["emma@example.org"].subject == "Awaiting your review: Plaza Grande"
        assert "submitted" in mails["emma@example.org"].body

    def test_someone_who_never_logged_in_gets_the_sites_language(self):
        author = make_user(username="ana", email="ana@example.org")
        LanguagePreference.objects.filter(user=author).delete()
        city = make_city(name="Loja", slug="loja", cover=False)
        queue_mail([author], NOT_APPROVED, "cities/email/rejected.txt", {"item": city})
        assert OutgoingMail.objects.get().subject == "No aprobado: Loja"

    def test_the_language_of_the_last_admin_login_is_remembered(self):
        make_staff("Editors", username="eva", email="eva@example.org", language="en")
        login = reverse("admin:login")
        for language in ("es", "en", "es"):
            Client(headers={"accept-language": language}).post(
                login, {"username": "eva", "password": "pw"}
            )
            assert LanguagePreference.objects.get(user__username="eva").language == language


def database_url():
    """The test database, for a process of its own."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**settings)


def wait_until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.5)


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_publishes_a_due_draft_without_any_request(settings, tmp_path):
    when = timezone.now() + timedelta(seconds=4)
    quito, draft = scheduled_draft(when)
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        # The tests' process settings: the worker lives at the tests' clock (TEST_CLOCK).
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        # The site's own host names, as everywhere it runs: publishing posts the admin form.
        "DJANGO_ALLOWED_HOSTS": "learningcities.example.org",
    }
    with open(tmp_path / "worker.log", "w") as log:
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: Draft.objects.get().state == DraftState.PUBLISHED)
    except AssertionError:
        raise AssertionError((tmp_path / "worker.log").read_text()[-3000:]) from None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    draft.refresh_from_db()
    assert draft.closed_by == draft.scheduled_by and draft.closed_at >= when
    quito.refresh_from_db()
    assert quito.narrative_en == DRAFTED, (tmp_path / "worker.log").read_text()


SCHEDULE_A_CITY = """
from datetime import timedelta
from django.utils import timezone
from django.utils.translation import gettext_lazy
from cities.models import City
City.objects.create(name="Riobamba", name_es="Riobamba", slug="riobamba", year_joined=2020,
                    status="published", published_at=timezone.now() + timedelta(seconds=3))
"""


def content_version(server):
    script = "from cities.models import ContentVersion; print(ContentVersion.objects.get().version)"
    return int(server.manage(script=script).strip().splitlines()[-1])


def test_make_serve_runs_the_worker_and_stopping_it_stops_the_worker(tmp_path, prepared_site):
    copy_prepared_site(prepared_site, tmp_path)
    server = Server(server_environment(tmp_path, free_port()), tmp_path / "serve.log").start()
    try:
        group = os.getpgid(server.process.pid)
        workers = subprocess.run(
            ["pgrep", "-g", str(group), "-f", "^[^ ]*python manage.py db_worker"],
            capture_output=True,
            text=True,
        ).stdout.split()
        assert len(workers) == 1
        version = content_version(server)
        server.manage(script=SCHEDULE_A_CITY)
        # No request: the worker alone refreshes the cached pages at the city's time.
        wait_until(lambda: content_version(server) == version + 2, timeout=30)
    finally:
        server.stop()
    assert not os.path.exists(f"/proc/{workers[0]}")
