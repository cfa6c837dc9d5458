"""Notification mail that never holds up or loses a save.

`queue_mail` writes each mail to the outbox (`OutgoingMail`) in the transaction of the change
it reports, in its recipient's language, and enqueues a background task to send it once that
transaction is committed: the editor's page never waits for the mail server. A mail the server
did not take stays in the outbox and is tried again, later and later, by a task enqueued for
that time, by the next mail sent and by `manage.py send_pending_mail` (cron); failures are
logged, never raised to the editor.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .background import enqueue_after_commit, task
from .models import LanguagePreference, OutgoingMail

logger = logging.getLogger(__name__)

# How long a sender holds a mail it is sending before another may take it over (a sender
# whose process ended meanwhile leaves it claimed): well above the SMTP timeout.
CLAIM = timedelta(minutes=5)
MAX_RETRY_DELAY = timedelta(hours=1)


def site_address(path):
    """The absolute address of one of the site's paths, for a mail (`SITE_URL`)."""
    return settings.SITE_URL + path


def editing_path(model, pk):
    """Where the item of `model` with `pk` is edited: its form in the admin (which shows its
    draft while there is one)."""
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def draft_comments_path(draft):
    """Where the comments on `draft` are read, answered and resolved: a page of the admin of
    its item."""
    opts = draft.content_type.model_class()._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_draft_comments",
        args=[draft.object_id, draft.pk],
    )


def editing_address(model, pk):
    """`editing_path`, absolute, for a mail."""
    return site_address(editing_path(model, pk))


def queue_mail(recipients, subject, template, context):
    """Mail `recipients` (users; those without an address are left out), each in their own
    language (`LanguagePreference`): `subject`, a lazy translation formatted with `context`,
    and `template` rendered with it. One outbox row each, sent (and retried) on its own after
    the commit."""
    recipients = {person.email: person for person in recipients if person.email}.values()
    languages = LanguagePreference.languages_of(recipients)
    now = timezone.now()
    mails = []
    for person in sorted(recipients, key=lambda person: person.email):
        with translation.override(languages[person.pk]):
            mails.append(
                OutgoingMail(
                    recipient=person.email,
                    subject=str(subject) % context,
                    body=render_to_string(template, context),
                    next_attempt_at=now,
                )
            )
    OutgoingMail.objects.bulk_create(mails)
    enqueue_after_commit(send_pending_mail)


@task()
def send_pending_mail():
    sent, failed = send_pending()
    return {"sent": sent, "failed": failed}


def send_pending():
    """Send every mail that is due; returns (sent, failed). Each one is claimed first, so
    that two senders at once (two saves, a save and cron) never send a mail twice."""
    sent = failed = 0
    due = OutgoingMail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=timezone.now())
    for mail in due.order_by("pk"):
        now = timezone.now()
        claimed = OutgoingMail.objects.filter(
            pk=mail.pk, sent_at__isnull=True, next_attempt_at=mail.next_attempt_at
        ).update(next_attempt_at=now + CLAIM)
        if not claimed:
            continue
        try:
            message = EmailMessage(mail.subject, mail.body, to=[mail.recipient])
            message.connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
            message.send()
        except Exception as error:  # the mail server: refused, timed out, gone away…
            failed += 1
            delay = min(timedelta(minutes=2**mail.attempts), MAX_RETRY_DELAY)
            logger.warning(
                "Mail %s to %s not sent (attempt %d), tried again in %s: %s",
                mail.pk,
                mail.recipient,
                mail.attempts + 1,
                delay,
                error,
            )
            retry_at = timezone.now() + delay
            OutgoingMail.objects.filter(pk=mail.pk).update(
                attempts=models.F("attempts") + 1,
                last_error=str(error)[:1000],
                next_attempt_at=retry_at,
            )
            enqueue_after_commit(send_pending_mail, run_after=retry_at)
        else:
            sent += 1
            OutgoingMail.objects.filter(pk=mail.pk).update(
                attempts=models.F("attempts") + 1, sent_at=timezone.now(), last_error=""
            )
    return sent, failed
