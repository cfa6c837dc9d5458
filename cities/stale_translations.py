"""Translations that know when they are stale.

Each save of a translated item stamps, per field and language, when that language's text was
written (`TranslationStamp`). A save that changes one language of a field while the others
were up to date is a change of the text: the others become *possibly out of date* (the
Spanish narrative changed after its English was written, say). A save that changes a language
which was itself out of date brings the translation up to date, and marks nothing else. A
text stays out of date until someone edits it or confirms it "still right". Texts written
before stamps were kept count as up to date until the other language changes. Empty texts are
missing, not stale (cities.translation_status).

The admin's forms mark such fields and offer the confirmation, the missing-translations page
lists them, the public pages say so beside the text, and the open data tells per text whether
its translation is current.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from .models import ContentVersion, TranslationStamp


def translated_fields(model):
    """The names of `model`'s translated fields ([] for an untranslated model)."""
    try:
        return list(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return []


def columns(model):
    return [
        build_localized_fieldname(field, code)
        for field in translated_fields(model)
        for code in AVAILABLE_LANGUAGES
    ]


@dataclass(frozen=True)
class Staleness:
    """A text possibly out of date: the other language (`source`) was written at `changed_at`
    by `changed_by`, after it."""

    source: str
    changed_at: datetime
    changed_by: object


# Saving: the stamps.


def remember_texts(sender, instance, raw=False, **kwargs):
    """Before a save: the item's texts as stored, to see which the save changes."""
    instance._texts_before = None
    if not raw and instance.pk is not None:
        instance._texts_before = (
            sender._default_manager.filter(pk=instance.pk).values(*columns(sender)).first()
        )


def stamp_written_texts(sender, instance, raw=False, created=False, **kwargs):
    """After a save: each language whose text it wrote is stamped now, by whoever saved; the
    field's other languages are out of date if this was a change of the text (see above)."""
    if raw:
        return
    before = getattr(instance, "_texts_before", None) or {}
    written = {}
    for field in translated_fields(sender):
        for code in AVAILABLE_LANGUAGES:
            column = build_localized_fieldname(field, code)
            text = getattr(instance, column)
            if text and text != before.get(column):
                written.setdefault(field, []).append(code)
    if written and created:
        stamp_new_item(instance, written, author(instance))
    elif written:
        record_writes(instance, written, author(instance))


def stamp_new_item(item, written, user):
    """A new row's texts, each written now and nothing out of date (the languages it was
    created without are empty): stamped in one query rather than one or two per text (loading
    the seed creates hundreds). A row restored after its deletion is "new" with its old
    stamps still there: they are overwritten, as each text is written now."""
    content_type = ContentType.objects.get_for_model(item)
    values = written_now(user, confirmed=False)  # one moment for all its texts
    TranslationStamp.objects.bulk_create(
        [
            TranslationStamp(
                content_type=content_type, object_id=item.pk, field=field, language=code, **values
            )
            for field, codes in written.items()
            for code in codes
        ],
        update_conflicts=True,
        unique_fields=["content_type", "object_id", "field", "language"],
        update_fields=list(values),
    )


def record_writes(item, written, user):
    """`written`: {field: [languages written]}."""
    stamps = {
        (stamp.field, stamp.language): stamp
        for stamp in TranslationStamp.objects.filter(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            field__in=list(written),
        )
    }
    for field, codes in written.items():
        catching_up = any(
            (field, code) in stamps and stamps[field, code].outdated_at for code in codes
        )
        for code in codes:
            set_stamp(item, field, code, **written_now(user, confirmed=False))
        if catching_up:
            continue
        for other in AVAILABLE_LANGUAGES:
            if other not in codes and getattr(item, build_localized_fieldname(field, other)):
                set_stamp(
                    item,
                    field,
                    other,
                    outdated_at=timezone.now(),
                    outdated_by=user,
                    outdated_by_language=codes[0],
                )


def written_now(user, confirmed):
    """A stamp's values for a text written (or confirmed) by `user` now: up to date."""
    return {
        "written_at": timezone.now(),
        "written_by": user,
        "confirmed": confirmed,
        "outdated_at": None,
        "outdated_by": None,
        "outdated_by_language": "",
    }


def set_stamp(item, field, code, **values):
    TranslationStamp.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        field=field,
        language=code,
        defaults=values,
    )


def author(instance):
    """Who saved: as the history records it (the admin's user, or the request's)."""
    user = getattr(instance, "_history_user", None)
    request = getattr(HistoricalRecords.context, "request", None)
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return user


def confirm(item, texts, user):
    """`user` says the texts ((field, language) pairs) are still right as they are; the
    cached pages that said otherwise are made again."""
    for field, code in texts:
        set_stamp(item, field, code, **written_now(user, confirmed=True))
    ContentVersion.bump()


# Reading.


def stale_translations(items):
    """{item: {(field, language): Staleness}} for `items` (of any translated models), in one
    query. Each item also gets it as `item.stale_translations`."""
    items = [item for item in items if item is not None and translated_fields(type(item))]
    if not items:
        return {}
    by_type = {}
    for item in items:
        by_type.setdefault(item._meta.label_lower, []).append(item)
    # Kinds named through the join, not looked up one by one: one query in all.
    named = Q()
    for label, of_type in by_type.items():
        app_label, model = label.split(".")
        named |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            object_id__in=[item.pk for item in of_type],
        )
    outdated = {}
    rows = TranslationStamp.objects.filter(named, outdated_at__isnull=False).select_related(
        "content_type", "outdated_by"
    )
    for row in rows:
        label = f"{row.content_type.app_label}.{row.content_type.model}"
        outdated.setdefault((label, row.object_id), []).append(row)
    found = {}
    for label, of_type in by_type.items():
        for item in of_type:
            item.stale_translations = found[item] = {
                (row.field, row.language): Staleness(
                    row.outdated_by_language, row.outdated_at, row.outdated_by
                )
                for row in outdated.get((label, item.pk), [])
                # Emptied since: missing, not stale.
                if getattr(item, build_localized_fieldname(row.field, row.language))
            }
    return found


def outdated_ids(model):
    """The ids of `model`'s items with a text possibly out of date (a subquery)."""
    content_type = ContentType.objects.get_for_model(model)
    return TranslationStamp.objects.filter(
        content_type=content_type, outdated_at__isnull=False
    ).values("object_id")


def items_with_stale_translations(queryset):
    """The items of `queryset` with a text possibly out of date, each with its
    `stale_translations`: only items with stamps can have one."""
    items = list(queryset.filter(pk__in=outdated_ids(queryset.model)))
    found = stale_translations(items)
    return [item for item in items if found.get(item)]
