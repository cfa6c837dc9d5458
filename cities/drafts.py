"""Draft changes to live content: save as draft, preview, publish (now or at a time), discard.

A draft is the item's change form as its editor posted it (`Draft.data`). Publishing posts it
again through the same admin form as the publisher, so every check a save makes (rich-text
cleaning, required translations, the inline rows, edit conflicts with changes published since)
applies to it unchanged; nothing is copied into a second format that could drift from the
forms. The preview publishes it inside a transaction that is rolled back once the page is
rendered, so it shows exactly what publishing would, and nothing of it remains.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.messages.storage.base import BaseStorage
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import IntegrityError, router, transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcities.editorial.permissions import check, may_publish

from .editorial_admin import marked_changes
from .history import field_label, readable_value
from .models import ContentVersion, Draft, DraftState, ReviewState
from .notifications import queue_mail
from .rendered_diff import rich_text_change

logger = logging.getLogger(__name__)

REVISION_FIELD = "_draft_revision"
# What a change form posts that is not the item's content.
NOT_CONTENT = {
    "csrfmiddlewaretoken",
    REVISION_FIELD,
    "_save",
    "_continue",
    "_addanother",
    "_saveasnew",
    "_save_draft",
    "_submit_for_review",
    "_seen_versions",
    "_apply_on_top",
}


class DraftError(Exception):
    """A step that cannot be taken now; the message says why, for the person who tried."""


class DraftNotApplicable(DraftError):
    """The form refused the draft's changes (they no longer fit the item as it is now)."""


def posted_content(post, posted_forms):
    """The item's content in a posted change form, as `Draft.data` keeps it: as posted, but
    with dates and times in ISO 8601, which forms read in every language (a date typed as
    30/11/2026 in the Spanish admin is no date in the English one)."""
    data = {key: post.getlist(key) for key in post if key not in NOT_CONTENT}
    for form in posted_forms:
        for name, value in getattr(form, "cleaned_data", {}).items():
            field = form.fields.get(name)
            if isinstance(field, forms.SplitDateTimeField) and value is not None:
                moment = timezone.localtime(value) if timezone.is_aware(value) else value
                date_key, time_key = (
                    form.add_prefix(name) + suffix for suffix in field.widget.widgets_names
                )
                data[date_key] = [moment.date().isoformat()]
                data[time_key] = [moment.time().isoformat()]
            elif isinstance(field, forms.DateField | forms.TimeField) and value is not None:
                data[form.add_prefix(name)] = [value.isoformat()]
    return data


def as_post(data):
    """`Draft.data` as the request's POST it came from."""
    post = QueryDict(mutable=True)
    for key, values in data.items():
        post.setlist(key, values)
    return post


def open_draft(item):
    return Draft.objects.of(item).open().select_related("created_by", "updated_by").first()


def save_draft(item, user, post, posted_forms, seen_revision):
    """Keep the posted form (validated as `posted_forms`: the item's and its inline rows') as
    `item`'s draft. `seen_revision` is the draft's revision the editor's form showed (None:
    they opened the item without a draft); a draft saved by someone else since is not
    overwritten (`DraftError`)."""
    with transaction.atomic(using=router.db_for_write(Draft)):
        draft = Draft.objects.of(item).open().select_for_update().first()
        if draft is None:
            if seen_revision is not None:
                # Theirs was published or discarded meanwhile: theirs is gone from the form,
                # this one starts afresh from what is posted.
                logger.info("Draft of %s ended while %s edited it", item, user)
            try:
                with transaction.atomic(using=router.db_for_write(Draft)):
                    return Draft.objects.create(
                        item=item,
                        data=posted_content(post, posted_forms),
                        language=translation.get_language(),
                        created_by=user,
                        updated_by=user,
                    )
            except IntegrityError:
                # Someone else's first draft of the item, saved at the same moment.
                raise DraftError(stale_draft_message(open_draft(item))) from None
        if seen_revision != draft.revision:
            raise DraftError(stale_draft_message(draft))
        draft.data = posted_content(post, posted_forms)
        draft.language = translation.get_language()
        draft.revision += 1
        draft.updated_by = user
        draft.updated_at = timezone.now()
        if draft.publish_at and draft.scheduled_by_id == user.pk:
            # Its scheduler publishes what they saved themselves.
            draft.scheduled_revision = draft.revision
        elif draft.publish_at:
            withdraw_schedule(draft, user)
        draft.save()
        return draft


def withdraw_schedule(draft, user):
    """`user` changed the scheduled `draft`: what its scheduler approved or scheduled is not
    what would go public any more. The schedule and the approval of the draft are withdrawn,
    and the scheduler is told by mail; `draft.withdrawn_from` names them for the page that
    tells `user`."""
    scheduler = draft.scheduled_by
    draft.withdrawn_from = scheduler
    draft.publish_at = None
    draft.scheduled_by = None
    draft.scheduled_revision = None
    draft.reviews.filter(state=ReviewState.APPROVED).update(state=ReviewState.WITHDRAWN)
    if scheduler is not None:
        queue_mail(
            [scheduler],
            gettext_lazy("Withdrawn: %(item)s"),
            "cities/email/schedule_withdrawn.txt",
            {"draft": draft, "item": draft.item, "changed_by": user},
        )


def stale_draft_message(draft):
    return _(
        "%(person)s saved this draft at %(time)s, after you opened it: your changes are "
        "below, not saved. Open the draft in another tab to compare, then save yours again "
        "to replace theirs."
    ) % {
        "person": draft.updated_by or _("someone"),
        "time": date_format(timezone.localtime(draft.updated_at), "TIME_FORMAT"),
    }


def discard(draft_id, user):
    with transaction.atomic(using=router.db_for_write(Draft)):
        draft = Draft.objects.select_for_update().get(pk=draft_id)
        if draft.state != DraftState.OPEN:
            raise DraftError(
                _("This draft was already %(state)s.") % {"state": draft.get_state_display()}
            )
        close(draft, DraftState.DISCARDED, user)
    return draft


def close(draft, state, user):
    draft.state = state
    draft.closed_by = user
    draft.closed_at = timezone.now()
    draft.publish_at = None
    draft.save()


def schedule(draft_id, user, publish_at, expected_revision=None):
    """Publish the draft by itself at `publish_at` (a task enqueued for that moment sees to
    it: cities.scheduling), as `user` and as it is now: a later save by someone else
    withdraws the schedule. `expected_revision`: the revision `user` looked at (an
    approver), as for `publish`."""
    with transaction.atomic(using=router.db_for_write(Draft)):
        draft = Draft.objects.select_for_update().get(pk=draft_id)
        if draft.state != DraftState.OPEN:
            raise DraftError(
                _("This draft was already %(state)s.") % {"state": draft.get_state_display()}
            )
        check(user, "publish", draft.item)
        if expected_revision is not None and expected_revision != draft.revision:
            raise DraftError(_("The draft was saved again after you opened it: look at it again."))
        draft.publish_at = publish_at
        draft.scheduled_by = user
        draft.scheduled_revision = draft.revision
        draft.problem = ""
        draft.save()
        # The counter keeps the next moment something is due; it now includes this one.
        ContentVersion.reschedule()
    return draft


def publish(draft_id, user, expected_revision=None):
    """Apply the draft to the live item as `user` and close it. `expected_revision`: the
    revision the publisher looked at; a newer one is not published unseen (`DraftError`).
    Raises `DraftNotApplicable` with the form's own words when the changes no longer fit."""
    if not may_publish(user):
        raise PermissionDenied
    with transaction.atomic(using=router.db_for_write(Draft)):
        draft = Draft.objects.select_for_update().select_related("content_type").get(pk=draft_id)
        if draft.state != DraftState.OPEN:
            raise DraftError(
                _("This draft was already %(state)s.") % {"state": draft.get_state_display()}
            )
        check(user, "publish", draft.item)
        if expected_revision is not None and expected_revision != draft.revision:
            raise DraftError(_("The draft was saved again after you opened it: look at it again."))
        apply(draft, user)
        close(draft, DraftState.PUBLISHED, user)
    return draft


def apply(draft, user):
    """Post the draft's form as `user`, in the current transaction. Raises
    `DraftNotApplicable` (and the caller's transaction should not commit) when the form
    refuses it."""
    model = draft.content_type.model_class()
    model_admin = admin.site._registry[model]
    request = replayed_request(draft, user)
    # Posted again in the language it was typed in: dates and numbers are in its format.
    with transaction.atomic(using=router.db_for_write(model)), translation.override(draft.language):
        response = model_admin.changeform_view(request, str(draft.object_id))
        # The admin answers a save with a redirect; anything else is the form (or the conflict
        # page) shown again with what stopped it.
        if response.status_code != 302:
            raise DraftNotApplicable(refusal_of(response))


def draft_changes(model_admin, request, item, draft):
    """What `draft` changes in the published `item`, for a reviewer: for each changed field
    its row ("" for the item itself), name and old and new value in words, the changed words
    of texts marked; the item's own fields first, then its inline rows."""
    # Read in the language its author typed it in: dates and numbers are in that format.
    with translation.override(draft.language):
        found = list(changed_fields(model_admin, request, item, draft))
    changes = []
    for row, model, name, old, new in found:
        label = ""
        if row is not None:
            label = str(row) if row.pk else _("new %(kind)s") % {"kind": model._meta.verbose_name}
        if name is None:
            changes.append({"row": label, "field": _("deleted"), "old": "", "new": ""})
            continue
        changes.append(
            {
                "row": label,
                "field": field_label(model, name),
                **marked_changes(
                    readable_value(model, name, old), readable_value(model, name, new)
                ),
                **rich_text_change(model, name, old, new),
            }
        )
    return changes


def changed_fields(model_admin, request, item, draft):
    """(row, model, field name, old value, new value) of each field `draft` changes; the
    name is None for a row it deletes."""
    data, files = as_post(draft.data), MultiValueDict()
    form = model_admin.get_form(request, item, change=True)(data, files, instance=item)
    for name, old, new in changed_values(form):
        yield None, type(item), name, old, new
    for FormSet, inline in model_admin.get_formsets_with_inlines(request, item):
        prefix = FormSet.get_default_prefix()
        formset = FormSet(
            data, files, instance=item, prefix=prefix, queryset=inline.get_queryset(request)
        )
        formset.is_valid()  # cleans the rows, marks those to delete
        deleted = formset.deleted_forms if formset.can_delete else []
        for row in formset.forms:
            if not row.has_changed():
                continue
            if row in deleted:
                yield row.instance, FormSet.model, None, None, None
                continue
            for name, old, new in changed_values(row):
                yield row.instance, FormSet.model, name, old, new


def changed_values(form):
    model = form._meta.model
    before = dict(form.initial)
    form.is_valid()  # cleans the values shown after
    for name in form.changed_data:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        old = before.get(name)
        if model_field.many_to_one and old is not None:
            old = model_field.related_model._default_manager.filter(pk=old).first()
        yield name, old, form.cleaned_data.get(name, form.data.get(form.add_prefix(name)))


class KeptAside(BaseStorage):
    """The replayed form's messages ("… was changed successfully") are nobody's to read."""

    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []


def replayed_request(draft, user):
    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = draft.get_absolute_url()
    # The admin builds addresses from the host (a list's preserved filters): one the site serves.
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h not in {"*"} and not h.startswith(".")), "localhost"
    )
    request.META = {
        "HTTP_HOST": host,
        "SERVER_PORT": "443",
        "REMOTE_ADDR": "127.0.0.1",
        "SCRIPT_NAME": "",
    }
    post = as_post(draft.data)
    post["_save"] = "1"
    request.POST = post
    request.FILES = MultiValueDict()
    request.user = user
    request._messages = KeptAside(request)
    # Saved as a save, not kept as a draft again (cities.drafts_admin).
    request.replaying_draft = True
    # The CSRF check guarded the editor's own post; this one is made by the site itself.
    request._dont_enforce_csrf_checks = True
    return request


def refusal_of(response):
    """What stopped a replayed form, in words: its errors, or that it met newer changes."""
    context = getattr(response, "context_data", None) or {}
    errors = []
    adminform = context.get("adminform")
    if adminform is not None:
        form = adminform.form
        errors += [
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(e)}"
            for name, e in form.errors.items()
        ]
    for inline in context.get("inline_admin_formsets", []):
        for form_errors in inline.formset.errors:
            errors += [" ".join(e) for e in form_errors.values()]
        errors += list(inline.formset.non_form_errors())
    if "rows" in context:  # the conflict page
        errors.append(_("The published version was changed after this draft was saved."))
    return "; ".join(e.strip(": ") for e in errors) or _("The form refused the changes.")


def publish_due(at=None):
    """Publish every draft whose time has come, each as the person who scheduled it, if they
    still may publish. A draft that no longer applies stays open, unscheduled, with the
    reason; its scheduler is told. Any number of runs at once publish each draft once."""
    due = list(Draft.objects.due(at).values_list("pk", flat=True))
    published = 0
    for draft_id in due:
        try:
            with transaction.atomic(using=router.db_for_write(Draft)):
                draft = Draft.objects.select_for_update().get(pk=draft_id)
                # Another process published it first, or it was rescheduled.
                if (
                    draft.state != DraftState.OPEN
                    or not draft.publish_at
                    or (draft.publish_at > (at or timezone.now()))
                ):
                    continue
                user = draft.scheduled_by
                # Their right is checked now, not when they scheduled it.
                if user is None or not may_publish(user, draft.item):
                    raise DraftNotApplicable(
                        _("The person who scheduled it can no longer publish.")
                    )
                if draft.scheduled_revision != draft.revision:
                    raise DraftNotApplicable(
                        _("The draft was changed after it was scheduled: nobody approved this.")
                    )
                apply(draft, user)
                close(draft, DraftState.PUBLISHED, user)
                published += 1
        except DraftNotApplicable as refusal:
            unschedule_refused(draft_id, str(refusal))
        except Exception:
            # Whatever fails, the other due drafts are still published.
            logger.exception("Scheduled draft %s could not be published", draft_id)
            unschedule_refused(draft_id, _("An error stopped it; the site's log has the details."))
    return published


def unschedule_refused(draft_id, problem):
    with transaction.atomic(using=router.db_for_write(Draft)):
        draft = Draft.objects.select_related("scheduled_by").get(pk=draft_id)
        draft.problem = problem
        draft.publish_at = None
        draft.save(update_fields=["problem", "publish_at"])
        logger.warning("Scheduled draft %s not published: %s", draft_id, problem)
        if draft.scheduled_by:
            queue_mail(
                [draft.scheduled_by],
                gettext_lazy("Not published: %(item)s"),
                "cities/email/draft_not_published.txt",
                {"draft": draft, "item": draft.item},
            )
