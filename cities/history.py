"""Change history of the content, with django-simple-history, and how people read it.

Registered from `CitiesConfig.ready()` (through `signals.connect_signals()`) rather than with
a `HistoricalRecords()` field on each model: by then django-modeltranslation has added the
per-language columns (name_es, name_en…), so every language's text is recorded and restored,
not only the active one's.

What a version says is worded here once, for the history, the comparison of two versions and
the edit-conflict page alike: choice labels, names and local dates instead of stored values,
each field once under a name that says its language, and nothing that only looks like a
change (an empty value becoming another empty value, a date saved again without its fractions
of a second). Change reasons are stored in English and translated when shown, so a version
reads in the language of whoever looks at it, not of whoever made it.
"""

import datetime
import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator
from simple_history import register
from simple_history.models import DeletedObject

from learningcities import editorial

from .models import Draft
from .rendered_diff import rich_text_change
from .rich_text import RichTextField, html_to_text


def record_history():
    """Record the versions of every content type registered with history (cities.editorial)."""
    for registration in editorial.registered("history"):
        register(registration.model, **registration.history_options)


def leave_loaded_rows_out(sender, instance, raw=False, **kwargs):
    """Rows loaded from a backup (saved "raw") come with their own history; the criteria that
    loaddata links to them afterwards are no edit, so they must not add a version."""
    if raw:
        instance.skip_history_when_saving = True


# Change reasons, stored untranslated (see above) and translated by `describe`.
PUBLISHED = gettext_noop("published")
MADE_DRAFTS = gettext_noop("made drafts")
ARCHIVED = gettext_noop("archived")
PUBLISHED_FROM_DRAFT = gettext_noop("changes published from a draft")  # before drafts were named
PUBLISHED_FROM = "changes published from draft %d"
APPROVED = gettext_noop("approved and published")

LANGUAGE_NAMES = {
    "es": pgettext_lazy("in a field's name: “Narrative (Spanish)”", "Spanish"),
    "en": pgettext_lazy("in a field's name: “Narrative (English)”", "English"),
}


def local_datetime(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def draft_authors(draft):
    """Who wrote a draft: its first author, and its last one if another."""
    first = who(draft.created_by)
    if not draft.updated_by_id or draft.updated_by_id == draft.created_by_id:
        return first
    return _("%(first)s and %(last)s") % {"first": first, "last": who(draft.updated_by)}


def who(user):
    if user is None:  # saved by a script or the seed
        return gettext("someone unknown")
    return user.get_full_name() or user.get_username()


def translated_fields(model):
    """The fields shown per language (name_es, name_en): their own column, mirrored by the
    active language's, is not shown again."""
    try:
        return set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return set()


def field_label(model, name):
    """A field's name for people, with its language when it has one: "Narrative (English)"."""
    field = model._meta.get_field(name)
    language = getattr(field, "language", None)
    if language is None:
        return capfirst(field.verbose_name)
    name = capfirst(field.translated_field.verbose_name)
    return f"{name} ({LANGUAGE_NAMES.get(language, language)})"


def readable_value(model, name, value):
    """A field's value as people read it: choice labels, names of related items, local dates,
    a dash for nothing."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if isinstance(value, DeletedObject):
        if value.pk is None:
            return "—"
        return _("%(kind)s deleted since") % {"kind": value.model._meta.verbose_name}
    if value in (None, "", []):
        return "—"
    if isinstance(model_field, RichTextField):
        return html_to_text(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return local_datetime(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if model_field.many_to_many:
        items = list(value)
        if items and isinstance(items[0], dict):  # django-simple-history's rows of links
            column = model_field.m2m_reverse_field_name()
            items = [row[column] for row in items]
        if items and not isinstance(items[0], models.Model):
            items = model_field.related_model._default_manager.filter(pk__in=items)
        return ", ".join(str(item) for item in items) or "—"
    return value


def readable_content(item, names):
    """(field name for people, value in words) of each of `names` that `item` fills in: what
    a reviewer approves of a new item."""
    model = type(item)
    rows = []
    for name in names:
        value = getattr(item, name)
        if model._meta.get_field(name).many_to_many:
            value = list(value.all())
        if value not in (None, "", []):
            rows.append((field_label(model, name), readable_value(model, name, value)))
    return rows


def only_appears_changed(model, change):
    """Differences nobody made: the untranslated column mirroring a language's, and a
    date-time saved again through a form, which keeps no fractions of a second."""
    if change.field in translated_fields(model):
        return True
    old, new = change.old, change.new
    return (
        isinstance(old, datetime.datetime)
        and isinstance(new, datetime.datetime)
        and old.replace(microsecond=0) == new.replace(microsecond=0)
    )


def readable_changes(model, delta):
    """The changes of a `diff_against()` as people read them: [{field, old, new}]."""
    rows = []
    for change in delta.changes:
        if only_appears_changed(model, change):
            continue
        old = readable_value(model, change.field, change.old)
        new = readable_value(model, change.field, change.new)
        if old != new:  # e.g. nothing before and an empty text now
            rows.append(
                {
                    "field": field_label(model, change.field),
                    "name": change.field,
                    "old": old,
                    "new": new,
                    **rich_text_change(model, change.field, change.old, change.new),
                }
            )
    return rows


RESTORED_FROM_PATTERN = re.compile(r"^restored from version (\d+)$")
PUBLISHED_FROM_PATTERN = re.compile(r"^changes published from draft (\d+)$")
RESTORED_WITH_PREFIX = "restored with "
KINDS = {
    "+": pgettext_lazy("a version in the history", "created"),
    "~": pgettext_lazy("a version in the history", "changed"),
    "-": pgettext_lazy("a version in the history", "deleted"),
}


def published_from(draft):
    """What a version published from `draft` (None: deleted since) says: its authors, and its
    name if it was given one, so that a named revision stays named once published."""
    if draft is None:
        return gettext(PUBLISHED_FROM_DRAFT)
    if draft.name:
        return _("changes written by %(authors)s, published from their draft “%(name)s”") % {
            "authors": draft_authors(draft),
            "name": draft.name,
        }
    return _("changes written by %(authors)s, published from their draft") % {
        "authors": draft_authors(draft)
    }


def describe(records):
    """Set `description` (what happened, in the reader's language) and `made_by` on each
    history record (not "author": a photo's own field of that name would be overwritten)."""
    records = list(records)
    restored_ids = {
        int(match[1])
        for record in records
        if (match := RESTORED_FROM_PATTERN.match(record.history_change_reason or ""))
    }
    # The drafts published: their authors are credited, not only who published them.
    draft_ids = {
        int(match[1])
        for record in records
        if (match := PUBLISHED_FROM_PATTERN.match(record.history_change_reason or ""))
    }
    published_drafts = {}
    if draft_ids:
        published_drafts = Draft.objects.select_related("created_by", "updated_by").in_bulk(
            draft_ids
        )
    sources = {}
    if records and restored_ids:
        sources = {
            source.history_id: source
            for source in type(records[0])
            .objects.filter(history_id__in=restored_ids)
            .select_related("history_user")
        }
    for record in records:
        record.made_by = who(record.history_user)
        reason = record.history_change_reason or ""
        restored = RESTORED_FROM_PATTERN.match(reason)
        if restored:
            source = sources.get(int(restored[1]))
            record.description = (
                _("restored from the version of %(date)s by %(name)s")
                % {"date": local_datetime(source.history_date), "name": who(source.history_user)}
                if source
                else _("restored from an earlier version")
            )
        elif published := PUBLISHED_FROM_PATTERN.match(reason):
            record.description = published_from(published_drafts.get(int(published[1])))
        elif reason.startswith(RESTORED_WITH_PREFIX):
            record.description = _("restored with %(item)s") % {
                "item": reason.removeprefix(RESTORED_WITH_PREFIX)
            }
        elif reason:
            record.description = gettext(reason)
        else:
            record.description = KINDS.get(record.history_type, record.history_type)
    return records
