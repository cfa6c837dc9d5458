"""A real SMTP server on 127.0.0.1 for the notification tests (aiosmtpd), keeping what it
receives, and the settings that send the site's mail to it."""

import contextlib
import email
import email.policy
import threading

from aiosmtpd.controller import Controller
from django.core.management import call_command

from tests.live_site import free_port


class Inbox:
    """The messages the server took, as `email.message.EmailMessage`s."""

    def __init__(self):
        self.messages = []
        self.received = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.received:
            self.messages.append(message)
            self.received.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=10):
        with self.received:
            self.received.wait_for(lambda: len(self.messages) >= count, timeout)
        return self.messages

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]


@contextlib.contextmanager
def smtp_server(port=None):
    inbox = Inbox()
    inbox.port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def send_mail_to(settings, port, timeout=2):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, timeout
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def run_worker():
    """Run the background worker (django-tasks-db's) until no task is due: the mail sent
    after the commits so far is then sent or failed."""
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
