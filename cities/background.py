"""Work done in the background, on Django's Tasks API (docs/background-tasks.md).

Django 5.2 has the API from the django-tasks backport; Django 6 has it built in. Tasks are
declared with this module's `task`, so that moving to Django 6 needs only the TASKS setting.
"""

from django.db import transaction

try:
    from django.tasks import task  # Django 6
except ImportError:
    from django_tasks import task

__all__ = ["enqueue_after_commit", "task"]


def enqueue_after_commit(background_task, run_after=None):
    """Enqueue `background_task` once the current transaction commits, so that nothing is done
    about a change that was rolled back; with `run_after`, to run at that moment.

    A backend that cannot wait (the immediate one the tests use) is given no timed work: it
    would do it now, before its time. The cron commands are the safety net there
    (`publish_scheduled`, `send_pending_mail`).
    """

    def enqueue():
        if run_after is None:
            background_task.enqueue()
        elif background_task.get_backend().supports_defer:
            background_task.using(run_after=run_after).enqueue()

    transaction.on_commit(enqueue)
