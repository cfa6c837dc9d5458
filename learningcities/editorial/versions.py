"""The versions of an item: the history records django-simple-history keeps for each type
registered with history. "The newest version" is read here, and nowhere else."""

from django.db.models import Max


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
