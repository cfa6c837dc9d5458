"""Scheduled publication, done in the background: no visitor's request waits for it.

Whatever is given a time to go public (a draft of changes with its "publish at", or a city,
program or photo published with a future publication date) gets a task enqueued for that
moment (`schedule_publication`, called by cities.signals). The task publishes whatever is due
when it runs, checking each draft again under a lock: a rescheduled or discarded one is not
due then and is left alone, and of several runs at once only one publishes it.
`manage.py publish_scheduled` runs the same function, for cron, should the worker be down.
"""

from .background import enqueue_after_commit, task
from .drafts import publish_due
from .models import ContentVersion, move_photo_files_to_match_publication


def publish_scheduled():
    """Publish everything whose time has come; returns how many drafts were published.

    Drafts are published as the person who scheduled them, if they still may publish.
    Cities, programs and photos with a publication date go public by themselves (the public
    querysets compare it with the clock): for them the photos' files are moved to the public
    folder and the cached pages refreshed.
    """
    published = publish_due()
    move_photo_files_to_match_publication()
    ContentVersion.bump_if_due()
    return published


@task()
def publish_scheduled_content():
    return publish_scheduled()


def schedule_publication(moment):
    """Have `publish_scheduled` run at `moment`, once the scheduling change commits."""
    enqueue_after_commit(publish_scheduled_content, run_after=moment)
