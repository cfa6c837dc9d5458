"""Review notifications by mail, through a real SMTP server on 127.0.0.1 (aiosmtpd): sent
after the commit, by the background worker; a mail server that is down or hangs never holds up or
loses a save, and the mail is sent later."""

import socket
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cities.models import OutgoingMail, ReviewRequest
from tests.factories import (
    logged_in_client,
    make_city,
    new_photo_form_data,
    review_url,
)
from tests.live_site import free_port
from tests.smtp import run_worker, send_mail_to, smtp_server

# Committed for real, so that the mail goes out after the commit as it does on the site, by
# the background worker.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_tasks"),
]


@pytest.fixture
def quito(db):
    return make_city(name="Quito", slug="quito", cover=False)


def submit_photo(people, city, title="Plaza Grande"):
    client = logged_in_client(people["uploader"])
    data = new_photo_form_data(client, city=city.pk, title=title)
    started = time.monotonic()
    response = client.post(reverse("admin:cities_photo_add"), {**data, "_submit_for_review": "1"})
    return response, time.monotonic() - started


def test_the_publishers_are_mailed_when_a_photo_is_submitted(settings, people, quito):
    settings.SITE_URL = "https://learningcities.example.org"
    with smtp_server() as inbox:
        send_mail_to(settings, inbox.port)

        response, _seconds = submit_photo(people, quito)
        run_worker()

        assert response.status_code == 302
        (mail,) = inbox.wait_for(1)
    assert mail["To"] == "pablo@example.org"
    assert mail["Subject"] == "Awaiting your review: Plaza Grande"
    address = f"https://learningcities.example.org{review_url(ReviewRequest.objects.get())}"
    assert address in mail.get_content()
    assert OutgoingMail.objects.get().sent_at is not None


def test_the_author_is_mailed_the_rejection_with_its_comment(settings, people, quito):
    with smtp_server() as inbox:
        send_mail_to(settings, inbox.port)
        submit_photo(people, quito)
        run_worker()
        submission = ReviewRequest.objects.get()

        logged_in_client(people["publisher"]).post(
            review_url(submission),
            {"version": submission.version_id, "_reject": "1", "comment": "Name the holder."},
        )
        run_worker()

        inbox.wait_for(2)
        (mail,) = inbox.to("ana@example.org")
    assert mail["Subject"] == "Not approved: Plaza Grande"
    assert "Name the holder." in mail.get_content()


def test_a_mail_server_that_is_down_neither_slows_nor_loses_the_save(settings, people, quito):
    port = free_port()  # nothing listens there: connections are refused
    send_mail_to(settings, port)

    response, seconds = submit_photo(people, quito)
    run_worker()

    assert response.status_code == 302 and seconds < 5
    assert ReviewRequest.objects.count() == 1
    mail = OutgoingMail.objects.get()
    assert mail.sent_at is None and mail.attempts == 1 and mail.last_error
    assert mail.next_attempt_at > timezone.now()  # tried again later, not at once

    with smtp_server(port) as inbox:
        call_command("send_pending_mail", verbosity=0)  # not due yet: nothing is sent
        assert inbox.messages == []
        OutgoingMail.objects.update(next_attempt_at=timezone.now())
        call_command("send_pending_mail", verbosity=0)
        (delivered,) = inbox.wait_for(1)
    assert delivered["To"] == "pablo@example.org"
    mail.refresh_from_db()
    assert mail.sent_at is not None and mail.attempts == 2


def test_a_mail_server_that_hangs_does_not_hold_up_the_save(settings, people, quito):
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        send_mail_to(settings, silent.getsockname()[1], timeout=10)

        response, seconds = submit_photo(people, quito)

        assert response.status_code == 302
        assert seconds < 10  # the save did not wait for the mail server's 10 s timeout
        run_worker()
    mail = OutgoingMail.objects.get()
    assert mail.sent_at is None and "timed out" in mail.last_error


def test_the_next_mail_sends_the_ones_left_over(settings, people, quito):
    send_mail_to(settings, free_port())
    submit_photo(people, quito, title="First")
    run_worker()
    OutgoingMail.objects.update(next_attempt_at=timezone.now())

    with smtp_server() as inbox:
        send_mail_to(settings, inbox.port)
        submit_photo(people, quito, title="Second")
        run_worker()
        messages = inbox.wait_for(2)
    assert sorted(m["Subject"] for m in messages) == [
        "Awaiting your review: First",
        "Awaiting your review: Second",
    ]


def test_a_save_that_fails_sends_no_mail(settings, people, quito):
    client = logged_in_client(people["uploader"])
    data = new_photo_form_data(client, city=quito.pk, alt_text="")

    response = client.post(reverse("admin:cities_photo_add"), {**data, "_submit_for_review": "1"})

    assert response.status_code == 200  # the form, with its error
    assert not OutgoingMail.objects.exists() and not ReviewRequest.objects.exists()
