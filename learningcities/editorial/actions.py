"""Editorial steps on content, each checking its own right with the one policy
(`permissions`), in a transaction, recorded in the item's history, and announced by a
signal. The admin's list actions call them; so can commands and tests.

The publication status steps, deleting and restoring live here; the draft and review steps
are still in the cities app (docs/architecture-editorial.md), and announce themselves with
`step_taken`.
"""

import logging

from django.db import router, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from .permissions import EditorialPermissionDenied, check, may_delete, may_publish, may_take_offline
from .publishing import Status
from .versions import RESTORED_FROM, restore_deleted_with

# Sent once the status of `items` (of one `sender` model) was changed to `status` by `user`,
# inside the transaction that changed them.
status_changed = Signal()

# Sent once `user` took a step of STEPS on `item` (of the `sender` model), inside the step's
# transaction; `draft` and `submission` are what it was taken on, when it was.
step_taken = Signal()
STEPS = {
    "draft saved": logging.INFO,
    # Every few seconds while someone types: for a closer look only.
    "autosaved": logging.DEBUG,
    "schedule withdrawn": logging.INFO,
    "scheduled": logging.INFO,
    "published": logging.INFO,
    "discarded": logging.INFO,
    "submitted": logging.INFO,
    "approved": logging.INFO,
    "rejected": logging.INFO,
    "commented": logging.INFO,
    "answered": logging.INFO,
    "resolved": logging.INFO,
    "deleted": logging.INFO,
    "restored": logging.INFO,
}
logger = logging.getLogger(__name__)


def announce(step, item, user, draft=None, submission=None):
    """Send `step_taken` for a step of STEPS (a step it does not know is a mistake)."""
    if step not in STEPS:
        raise ValueError(f"Unknown editorial step: {step!r}")
    step_taken.send(
        sender=type(item), step=step, item=item, user=user, draft=draft, submission=submission
    )


def log_step(sender, step, item, user, draft=None, submission=None, **kwargs):
    """Each step in the site's log, for operators: who did what to which item."""
    logger.log(
        STEPS[step],
        "%s: %s %s %s%s",
        step,
        user.get_username() if user else "the site",
        sender._meta.model_name,
        item.pk,
        f" (draft {draft.pk})" if draft else "",
    )


def may_give_status(user, item, status):
    """Publishing needs the right to publish the item; taking it off the site too."""
    if status == Status.PUBLISHED:
        return may_publish(user, item)
    return may_take_offline(user, item)


def change_status(model, pks, user, status, published_at=None, reason=""):
    """Give the items of `model` with `pks` the publication `status` (and `published_at`, if
    given), as `user`; `reason` is what their history records. All or nothing: if `user` may
    not do it to one of them, nothing changes (`EditorialPermissionDenied` names them).

    One save per item, not a bulk update, so that each change is in the history; each row is
    read afresh and locked until the end, so that a change saved by someone else meanwhile is
    kept, not overwritten with what a list had loaded. Returns the changed items."""
    with transaction.atomic(using=router.db_for_write(model)):
        items = list(model._default_manager.filter(pk__in=pks).select_for_update())
        refused = [item for item in items if not may_give_status(user, item, status)]
        if refused:
            raise EditorialPermissionDenied(
                _(
                    "Nothing was changed: only publishers put items on the site or take "
                    "published ones off it (%(items)s). Ask one, or submit the change for "
                    "review."
                )
                % {"items": ", ".join(f"“{item}”" for item in refused)}
            )
        for item in items:
            item.status = status
            if published_at is not None:
                item.published_at = published_at
            item._change_reason = reason
            item.save()
        status_changed.send(sender=model, items=items, user=user, status=status)
    return items


def delete(model, pks, user):
    """Delete the items of `model` with `pks`, as `user`. All or nothing: if `user` may not
    delete one of them (a published one needs a publisher: deleting takes it off the site),
    nothing is deleted (`EditorialPermissionDenied` names them). Each is announced
    ("deleted") in the transaction that deletes it; the history keeps its last version, from
    which it can be restored. Returns the deleted items."""
    with transaction.atomic(using=router.db_for_write(model)):
        items = list(model._default_manager.filter(pk__in=pks).select_for_update())
        refused = [item for item in items if not may_delete(user, item)]
        if refused:
            raise EditorialPermissionDenied(
                _(
                    "Nothing was deleted: you may not delete %(items)s (a published item only "
                    "a publisher may take off the site)."
                )
                % {"items": ", ".join(f"“{item}”" for item in refused)}
            )
        for item in items:
            announce("deleted", item, user)
            item.delete()
    return items


def restore(item, user, version_id):
    """Save `item`, its values set to those of its version `version_id` (the history's
    `instance` of it, or a form started from it), as `user`, who must be allowed to change
    it. A deleted item comes back with the rows its deletion took along. The new version
    records where it came from. Returns how many rows came back with it."""
    check(user, "change", item)
    model = type(item)
    with transaction.atomic(using=router.db_for_write(model)):
        was_deleted = not model._default_manager.filter(pk=item.pk).exists()
        item._change_reason = RESTORED_FROM % version_id
        item._history_user = user
        item.save()
        restored_with = restore_deleted_with(item) if was_deleted else 0
        announce("restored", item, user)
    return restored_with
