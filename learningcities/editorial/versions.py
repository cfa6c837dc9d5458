"""The versions of an item: the history records django-simple-history keeps for each type
registered with history. "The newest version" is read here, and nowhere else."""

import json

from django.db.models import Max

# The hidden field of a change form that names the versions it was opened on (`Versions`).
OPENED_FIELD = "_opened_versions"
# A change form shows one object and its inline rows; far more is a forged field.
MAX_VERSIONED_ROWS = 2000


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
