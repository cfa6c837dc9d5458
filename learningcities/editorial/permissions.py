"""Who may do what with content: the one permission policy of the editorial engine.

Three rights, each for one item or a whole kind of item:

- change: Django's `change_<model>` permission, and the item's own rule if it has one
  (`item.may_be_changed_by(user)`, e.g. a photo uploader only their own photos; its
  queryset's `for_user(user)` is the same rule for a list);
- delete: Django's `delete_<model>` permission and the item's own rule;
- publish: the right to publish (`PUBLISH_PERMISSION`) *and* the right to change the item:
  a publisher cannot publish what they may not edit. Taking a published (or scheduled) item
  off the site — making it a draft, archiving or deleting it — is publishing undone, and
  needs the same right (`may_take_offline`).

Every action, view and command asks here, so a rule is decided in one place.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .publishing import Status, change_permission

# The right to publish: held by the "Publishers" group (cities migration 0014, on the review
# request's table where the permission was first declared) and by superusers.
PUBLISH_PERMISSION = "cities.publish_content"


class EditorialPermissionDenied(PermissionDenied):
    """An action refused by the policy; the message says which right is missing."""


def model_of(item_or_model):
    return item_or_model if isinstance(item_or_model, type) else type(item_or_model)


def own_rule_allows(user, item_or_model):
    """The item's own rule (always true for a whole kind of item)."""
    if isinstance(item_or_model, type):
        return True
    rule = getattr(item_or_model, "may_be_changed_by", None)
    return rule is None or rule(user)


def may_change(user, item_or_model):
    model = model_of(item_or_model)
    return user.has_perm(change_permission(model)) and own_rule_allows(user, item_or_model)


def may_delete(user, item_or_model):
    opts = model_of(item_or_model)._meta
    return (
        user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")
        and own_rule_allows(user, item_or_model)
        and (isinstance(item_or_model, type) or may_take_offline(user, item_or_model))
    )


def may_take_offline(user, item):
    """Whether `user` may take `item` off the site (draft, archive, delete): anyone who may
    change it while it is not published, only a publisher once it is. Content without a
    publication status (a criterion) is not published or unpublished, only changed."""
    return getattr(item, "status", None) != Status.PUBLISHED or may_publish(user, item)


def may_publish(user, item_or_model=None):
    """The right to publish; with an item or a kind, to publish that one (which needs the
    right to change it too)."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return False
    return item_or_model is None or may_change(user, item_or_model)


def changeable(model, user):
    """The items of `model` that `user` may change, as a queryset (the list twin of
    `may_change`)."""
    if not user.has_perm(change_permission(model)):
        return model._default_manager.none()
    queryset = model._default_manager.all()
    for_user = getattr(queryset, "for_user", None)
    return for_user(user) if for_user else queryset


RULES = {"change": may_change, "delete": may_delete, "publish": may_publish}


def check(user, action, item_or_model):
    """Raise `EditorialPermissionDenied` unless `user` may take `action` ("change", "delete"
    or "publish") on the item or kind."""
    if not RULES[action](user, item_or_model):
        raise EditorialPermissionDenied(refusal(action, item_or_model))


def refusal(action, item_or_model):
    messages = {
        "change": _("You may not change %(item)s."),
        "delete": _("You may not delete %(item)s."),
        "publish": _("You may not publish %(item)s."),
    }
    name = (
        model_of(item_or_model)._meta.verbose_name
        if isinstance(item_or_model, type)
        else f"“{item_or_model}”"
    )
    return messages[action] % {"item": name}
