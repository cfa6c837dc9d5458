"""The versions of an item: the history records django-simple-history keeps for each type
registered with history. "The newest version" is read here, and nowhere else."""

import json
from datetime import timedelta

from django.db import models
from django.db.models import Max

# The hidden field of a change form that names the versions it was opened on (`Versions`).
OPENED_FIELD = "_opened_versions"
# A change form shows one object and its inline rows; far more is a forged field.
MAX_VERSIONED_ROWS = 2000
# The reasons a version records for a restore, in English (translated where the history is
# shown): an old version brought back, and a row brought back with the item it was deleted with.
RESTORED_FROM = "restored from version %d"
RESTORED_WITH = "restored with %s"


def versions_of(model, pk):
    """Every version of the item of `model` with `pk` (deleted since or not)."""
    return model.history.filter(**{model._meta.pk.attname: pk})


def newest_version(model, pk):
    """The item's newest history record (None: it has none)."""
    return versions_of(model, pk).order_by("-history_id").first()


def newest_version_id(item):
    """The id of `item`'s newest history record: what a submission, an approval or an open
    form names as the version it saw."""
    return (
        versions_of(type(item), item.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


def newest_version_ids(model, pks):
    """{str(pk): the id of its newest history record} for the items of `model` with `pks`, in
    one query."""
    id_field = model._meta.pk.attname
    rows = (
        model.history.filter(**{f"{id_field}__in": pks})
        .order_by()
        .values(id_field)
        .annotate(last=Max("history_id"))
    )
    return {str(row[id_field]): row["last"] for row in rows}


class Versions:
    """The newest history record's id of each row, by model and primary key (as text)."""

    def __init__(self, by_model):
        self.by_model = by_model

    @classmethod
    def of(cls, objects):
        by_model = {}
        for obj in objects:
            by_model.setdefault(type(obj), []).append(obj.pk)
        return cls({model: newest_version_ids(model, pks) for model, pks in by_model.items()})

    @classmethod
    def decode(cls, text, models):
        """The versions a form posted, or None if the field is missing or malformed (only a
        forged form sends that: its sender may change the rows anyway)."""
        by_label = {model._meta.label_lower: model for model in models}
        try:
            data = json.loads(text)
            rows = sum(len(versions) for versions in data.values())
            if rows > MAX_VERSIONED_ROWS:
                return None
            return cls(
                {
                    by_label[label]: {
                        str(pk): None if version is None else int(version)
                        for pk, version in versions.items()
                    }
                    for label, versions in data.items()
                    if label in by_label
                }
            )
        except (TypeError, ValueError, AttributeError):
            return None

    def encode(self):
        return json.dumps(
            {model._meta.label_lower: versions for model, versions in self.by_model.items()},
            sort_keys=True,
        )

    def rows(self):
        for model, versions in self.by_model.items():
            for pk, version in versions.items():
                yield model, pk, version

    def now(self, lock=False):
        """The same rows' versions in the database now. With `lock`, the rows are locked
        until the transaction ends (PostgreSQL; SQLite's write transactions lock it all)."""
        current = {}
        for model, versions in sorted(self.by_model.items(), key=lambda item: item[0]._meta.label):
            if lock:
                rows = model._default_manager.filter(pk__in=list(versions)).order_by("pk")
                list(rows.select_for_update().values_list("pk", flat=True))
            current[model] = {
                pk: version
                for pk, version in newest_version_ids(model, list(versions)).items()
                if pk in versions
            }
            for pk in versions:
                current[model].setdefault(pk, None)
        return Versions(current)

    def limited_to(self, item_model, pk, row_links):
        """Only the rows of one item's form: the item of `item_model` with `pk` and, for each
        (model, foreign key attribute) of `row_links`, the rows that are or ever were its own
        (deleted ones included). A forged field naming other rows learns nothing of them."""
        allowed = {item_model: {str(pk)}}
        for model, link in row_links:
            ever_linked = model.history.filter(**{link: pk})
            allowed[model] = {
                str(pk) for pk in ever_linked.values_list(model._meta.pk.attname, flat=True)
            }
        return Versions(
            {
                model: {pk: v for pk, v in versions.items() if pk in allowed.get(model, ())}
                for model, versions in self.by_model.items()
            }
        )

    def differing(self, other):
        """(model, pk, version here) of each row whose version differs in `other`."""
        return [
            (model, pk, version)
            for model, pk, version in self.rows()
            if other.by_model.get(model, {}).get(pk) != version
        ]


def historical_many_to_many(record):
    """(field, ids) of each many-to-many field as the version `record` had them. A deletion's
    own record is taken after the links were already gone, so the version before it counts."""
    if record.history_type == "-" and record.prev_record is not None:
        record = record.prev_record
    for field in type(record)._history_m2m_fields:
        column = f"{field.m2m_reverse_field_name()}_id"
        yield field, list(getattr(record, field.name).values_list(column, flat=True))


# Items deleted together with an object (by the cascade) are recorded within this time.
CASCADE_WINDOW = timedelta(seconds=10)


def restore_deleted_with(obj):
    """Bring back what deleting `obj` took along: the rows its deletion cascaded to (with
    their many-to-many links), and the links that were set to empty. Returns how many."""
    model = type(obj)
    id_field = model._meta.pk.attname
    deletion = model.history.filter(**{id_field: obj.pk}, history_type="-").latest()
    window = (deletion.history_date - CASCADE_WINDOW, deletion.history_date + CASCADE_WINDOW)
    # Stored in English and translated when shown; a reason holds 100 characters.
    reason = (RESTORED_WITH % obj)[:100]
    restored = 0
    for relation in model._meta.related_objects:
        related = relation.related_model
        if not relation.one_to_many or not hasattr(related, "history"):
            continue
        link = relation.field.attname
        if relation.on_delete is models.CASCADE:
            records = related.history.filter(
                **{link: obj.pk}, history_type="-", history_date__range=window
            )
            for record in records:
                if related._default_manager.filter(pk=record.instance.pk).exists():
                    continue
                child = record.instance
                child._change_reason = reason
                child.save()
                for field, ids in historical_many_to_many(record):
                    getattr(child, field.name).set(ids)
                restored += 1
        elif relation.on_delete is models.SET_NULL:
            # Emptied by an update that left no history: the last recorded version still
            # points at `obj`.
            unlinked = related._default_manager.filter(
                **{f"{link}__isnull": True},
                pk__in=related.history.filter(**{link: obj.pk}).values(related._meta.pk.attname),
            )
            for child in unlinked:
                if getattr(child.history.latest(), link) == obj.pk:
                    setattr(child, link, obj.pk)
                    child._change_reason = reason
                    child.save()
                    restored += 1
    return restored
