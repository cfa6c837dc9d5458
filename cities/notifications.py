"""Notification mail that never holds up or loses a save.

`queue_mail` writes each mail to the outbox (`OutgoingMail`) in the transaction of the change
it reports, and asks for it to be sent once that transaction is committed, in a thread of its
own: the editor's page never waits for the mail server. A mail the server did not take stays
in the outbox and is tried again, later and later, by the next mail sent and by
`manage.py send_pending_mail` (cron); failures are logged, never raised to the editor.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connections, models, transaction
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# How long a sender holds a mail it is sending before another may take it over (a sender
# whose process ended meanwhile leaves it claimed): well above the SMTP timeout.
CLAIM = timedelta(minutes=5)
MAX_RETRY_DELAY = timedelta(hours=1)


def queue_mail(recipients, subject, body):
    """One outbox row per recipient, each sent (and retried) on its own after the commit."""
    now = timezone.now()
    OutgoingMail.objects.bulk_create(
        OutgoingMail(recipient=address, subject=subject, body=body, next_attempt_at=now)
        for address in sorted(set(recipients))
        if address
    )
    transaction.on_commit(send_pending_after_commit)


def send_pending_after_commit():
    if settings.EMAIL_SEND_IN_BACKGROUND:
        threading.Thread(target=_send_pending_in_thread, name="send-pending-mail").start()
    else:
        send_pending()


def _send_pending_in_thread():
    try:
        send_pending()
    except Exception:
        logger.exception("Sending pending mail failed; it is tried again later")
    finally:
        connections.close_all()


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
            OutgoingMail.objects.filter(pk=mail.pk).update(
                attempts=models.F("attempts") + 1,
                last_error=str(error)[:1000],
                next_attempt_at=timezone.now() + delay,
            )
        else:
            sent += 1
            OutgoingMail.objects.filter(pk=mail.pk).update(
                attempts=models.F("attempts") + 1, sent_at=timezone.now(), last_error=""
            )
    return sent, failed
