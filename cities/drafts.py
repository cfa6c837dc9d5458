"""Draft changes to live content: save as draft, preview, publish (now or at a time), discard.

A draft is the item's content as its editor's form posted it (`Draft.data`): the fields and
rows of the type's content forms (cities.content_forms), which the admin's form is built on.
Publishing checks and saves it with those same forms, as the publisher, so every check a save
makes (rich-text cleaning, required translations, the rows, changes published since the draft
was saved) applies to it unchanged, with no admin view involved. The preview publishes it
inside a transaction that is rolled back once the page is rendered, so it shows exactly what
publishing would, and nothing of it remains.
"""

import logging

from django import forms
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import IntegrityError, models, router, transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcities import editorial
from learningcities.editorial.actions import announce
from learningcities.editorial.content import ContentRefused
from learningcities.editorial.permissions import check, may_publish
from learningcities.editorial.versions import newest_version
from learningcities.editorial.writing import check_plain_text, check_rich_text, summary_of

from .history import PUBLISHED_FROM, field_label, readable_value, who
from .models import ContentVersion, Draft, DraftState, ReviewState
from .notifications import editing_address, queue_mail
from .rendered_diff import marked_changes, rich_text_change
from .rich_text import RichTextField

logger = logging.getLogger(__name__)

REVISION_FIELD = "_draft_revision"
NAME_FIELD = "_draft_name"
NAME_LENGTH = 100
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
    "_draft_name",
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


def save_draft(item, user, post, posted_forms, seen_revision, step="draft saved"):
    """Keep the posted form (validated as `posted_forms`: the item's and its inline rows') as
    `item`'s draft. `seen_revision` is the draft's revision the editor's form showed (None:
    they opened the item without a draft); a draft saved by someone else since is not
    overwritten (`DraftError`). A name posted as `_draft_name` names the draft."""
    with transaction.atomic(using=router.db_for_write(Draft)):
        draft = _saved_draft(item, user, post, posted_forms, seen_revision)
        name = post.get(NAME_FIELD)
        if name is not None and name.strip()[:NAME_LENGTH] != draft.name:
            draft.name = name.strip()[:NAME_LENGTH]
            Draft.objects.filter(pk=draft.pk).update(name=draft.name)
        announce(step, item, user, draft=draft)
    return draft


def autosave(item, user, post, seen_revision):
    """Keep what `user` is typing in `item`'s change form (`post`, as the form posts it) as
    the item's draft, checked by its content forms as a save of the draft would be: never
    published, never over a newer draft by someone else (`DraftError`), and nothing kept while
    the forms refuse it (`DraftNotApplicable`, with their words). A sitting's autosaves are
    saves of one draft: the item's history gains one draft, however often it is saved. A
    change saved by someone else since the form was opened stops it too (`DraftError`), as it
    stops the form's own save: what is typed now would quietly undo that change."""
    check(user, "change", item)
    content = editorial.registration(type(item)).content.bind(item, post, user)
    saved_since = saved_since_opened(content)
    if saved_since is not None:
        raise DraftError(saved_since_message(saved_since))
    if not content.is_valid():
        raise DraftNotApplicable("; ".join(content.errors()))
    posted_forms = [content.form, *(row for formset in content.formsets for row in formset.forms)]
    return save_draft(item, user, post, posted_forms, seen_revision, step="autosaved")


def saved_since_opened(content):
    """The newest version of the item or its rows saved since the form of the bound
    `content` was opened (None: none, or the form did not say what it was opened on)."""
    opened = content.opened_versions()
    if opened is None:
        return None
    saved = [newest_version(model, pk) for model, pk, _version in opened.differing(opened.now())]
    return max(filter(None, saved), key=lambda record: record.history_date, default=None)


def saved_since_message(record):
    return _(
        "%(person)s saved changes to it at %(time)s, after you opened it: what you typed is "
        "in the form, not saved. Save the form to keep it."
    ) % {
        "person": who(record.history_user),
        "time": date_format(timezone.localtime(record.history_date), "TIME_FORMAT"),
    }


def _saved_draft(item, user, post, posted_forms, seen_revision):
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
    announce("schedule withdrawn", draft.item, user, draft=draft)
    if scheduler is not None:
        queue_mail(
            [scheduler],
            gettext_lazy("Withdrawn: %(item)s"),
            "cities/email/schedule_withdrawn.txt",
            {"draft": draft, "item": draft.item, "changed_by": user, **addresses(draft)},
        )


def addresses(draft):
    """The address a draft's mails name: the item's form, which shows the draft."""
    return {"item_url": editing_address(draft.content_type.model_class(), draft.object_id)}


def stale_draft_message(draft):
    return _(
        "%(person)s saved this draft at %(time)s, after you opened it: your changes are "
        "below, not saved. Open the draft in another tab to compare, then save yours again "
        "to replace theirs."
    ) % {
        "person": who(draft.updated_by),
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
        announce("discarded", draft.item, user, draft=draft)
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
        announce("scheduled", draft.item, user, draft=draft)
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
        announce("published", draft.item, user, draft=draft)
    return draft


def content_of(item, draft, user):
    """The item's content forms filled with `draft`'s content, as `user` sees them."""
    content = editorial.registration(type(item)).content
    return content.bind(item, as_post(draft.data), user)


def apply(draft, user):
    """Save the draft's content to the live item as `user`, in the current transaction.
    Raises `DraftNotApplicable` (and the caller's transaction should not commit) when the
    content forms refuse it."""
    item = draft.item
    # Read in the language it was typed in: dates and numbers are in its format.
    with (
        transaction.atomic(using=router.db_for_write(type(item))),
        translation.override(draft.language),
    ):
        try:
            content_of(item, draft, user).save(user, PUBLISHED_FROM % draft.pk)
        except ContentRefused as refusal:
            raise DraftNotApplicable(str(refusal)) from None


def draft_changes(item, draft, user):
    """What `draft` changes in the published `item`, for a reviewer (`user`): for each
    changed field its row ("" for the item itself), name and old and new value in words, the
    changed words of texts marked; the item's own fields first, then its rows."""
    # Read in the language its author typed it in: dates and numbers are in that format.
    with translation.override(draft.language):
        found = list(changed_fields(content_of(item, draft, user)))
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
                "checks": writing_checks(model, name, new),
            }
        )
    return changes


def writing_checks(model, name, text):
    """The checks while writing of a changed text in a language (learningcities.editorial
    .writing), as the form showed them beside the field: its measures and findings; None for
    any other field."""
    field = model._meta.get_field(name)
    language = getattr(field, "language", None)
    if language is None or not text:
        return None
    if isinstance(field, RichTextField):
        measures, findings = check_rich_text(text, language, field.first_heading_level)
    elif isinstance(field, models.CharField | models.TextField):
        measures, findings = check_plain_text(text, language)
    else:
        return None
    return {"summary": summary_of(measures), "findings": findings}


def changed_fields(content):
    """(row, model, field name, old value, new value) of each field the bound `content`
    changes; the name is None for a row it deletes."""
    for name, old, new in changed_values(content.form):
        yield None, type(content.item), name, old, new
    for formset in content.formsets:
        formset.is_valid()  # cleans the rows, marks those to delete
        deleted = formset.deleted_forms if formset.can_delete else []
        for row in formset.forms:
            if not row.has_changed():
                continue
            if row in deleted:
                yield row.instance, formset.model, None, None, None
                continue
            for name, old, new in changed_values(row):
                yield row.instance, formset.model, name, old, new


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
                announce("published", draft.item, user, draft=draft)
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
                {"draft": draft, "item": draft.item, **addresses(draft)},
            )
