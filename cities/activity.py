"""The history of all content as one list, newest first: who did what to which item and when.

It is read from the history django-simple-history already keeps, a table per model
(cities.history): their union is sorted, filtered and cut to a page by the database, and only
that page's records are then loaded and worded, two queries per kind of item on it, whatever
the size of the history. The superusers' activity log shows all of it; the dashboard's
"recent changes by others" (cities.dashboard) each person's share.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from learningcities import editorial

from .history import describe, readable_changes, who


def recorded_models():
    """{model name: model} of every kind whose history is recorded, in registration order."""
    return {model._meta.model_name: model for model in editorial.models_with("history")}


ENTRIES_PER_PAGE = 50


def history_rows(histories):
    """`histories`: {model: a queryset of its history}. Their records as one list, newest
    first, of {"model": its name, "history_id", "history_date"}, for slicing or paging."""
    rows = [
        history.annotate(model=Value(model._meta.model_name, output_field=CharField()))
        .values("model", "history_id", "history_date")
        .order_by()  # a part of a union may not have its own order (SQLite)
        for model, history in histories.items()
    ]
    if not rows:
        return []
    first, *others = rows
    combined = first.union(*others, all=True) if others else first
    return combined.order_by("-history_date", "-history_id")


@dataclass
class Entry:
    """One version in the history, as people read it."""

    record: object  # the historical record, with `author` and `description` (history.describe)
    kind: str  # the kind of item: "city", "photo"…
    item: str  # the item's name in that version
    url: str  # its comparison with the version before, else the item's history
    changed: list = field(default_factory=list)  # the names of the fields it changed


def entries(rows):
    """The records named by `rows` (of `history_rows`, sliced), worded and linked, in order."""
    rows = list(rows)
    ids_by_model = {}
    for row in rows:
        ids_by_model.setdefault(row["model"], []).append(row["history_id"])
    worded = {}
    for name, ids in ids_by_model.items():
        for entry in entries_of(recorded_models()[name], ids):
            worded[name, entry.record.history_id] = entry
    return [worded[row["model"], row["history_id"]] for row in rows]


def entries_of(model, ids):
    """The entries of one model's records `ids`: the records with their authors, and the
    versions before them, in one query (and one for the versions they restored)."""
    id_field = model._meta.pk.attname
    # What an item's name is made of besides its own row (an award is named by its city):
    # loaded with its records, so that naming each takes no query of its own.
    named_by = editorial.registration(model).named_by
    before = model.history.filter(
        **{id_field: OuterRef(id_field)}, history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    with_previous_id = model.history.annotate(previous_id=Subquery(before.values("history_id")[:1]))
    previous_ids = with_previous_id.filter(history_id__in=ids).values("previous_id")
    loaded = {
        record.history_id: record
        for record in with_previous_id.filter(
            Q(history_id__in=ids) | Q(history_id__in=previous_ids)
        ).select_related("history_user", *named_by)
    }
    records = [loaded[history_id] for history_id in ids if history_id in loaded]
    opts = model._meta
    for record in describe(records):
        object_id = getattr(record, id_field)
        item = record.history_object
        for name in named_by:
            item._state.fields_cache[name] = getattr(record, name)
        entry = Entry(
            record=record,
            kind=opts.verbose_name,
            item=str(item),
            url=reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[object_id]),
        )
        before_it = loaded.get(record.previous_id)
        if record.history_type == "~" and before_it is not None:
            # Field by field, as the history words it; links to other items (a program's
            # criteria) are left out here: reading them would cost queries per record.
            links = [f.name for f in type(record)._history_m2m_fields]
            delta = record.diff_against(before_it, excluded_fields=links)
            entry.changed = [row["field"] for row in readable_changes(model, delta)]
            entry.url = (
                reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[object_id])
                + "?"
                + urlencode({"old": before_it.history_id, "new": record.history_id})
            )
        yield entry


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return who(obj)


def kind_choices():
    return [
        ("", _("Every kind")),
        *(
            (name, capfirst(model._meta.verbose_name_plural))
            for name, model in recorded_models().items()
        ),
    ]


class ActivityFilter(forms.Form):
    """The log's filters. One given wrongly is left out of the filtering, and says why."""

    person = PersonChoice(
        label=_("Person"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label=_("Everyone"),
    )
    kind = forms.ChoiceField(label=_("Kind of item"), choices=kind_choices, required=False)
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start: it is left out."))
        return self.cleaned_data

    def histories(self):
        """{model: its history, filtered} for the valid filters."""
        self.is_valid()  # a filter that fails its check is missing from cleaned_data
        chosen = self.cleaned_data
        histories = {}
        for name, model in recorded_models().items():
            if chosen.get("kind") and chosen["kind"] != name:
                continue
            history = model.history.all()
            if chosen.get("person"):
                history = history.filter(history_user=chosen["person"])
            # Local calendar days, compared by the database (no date arithmetic to overflow).
            if chosen.get("since"):
                history = history.filter(history_date__date__gte=chosen["since"])
            if chosen.get("until"):
                history = history.filter(history_date__date__lte=chosen["until"])
            histories[model] = history
        return histories


def activity_log_view(request, admin_site):
    """Every version of every item, newest first, for superusers only."""
    if not request.user.is_superuser:
        raise PermissionDenied
    form = ActivityFilter(request.GET)
    page = Paginator(history_rows(form.histories()), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        **admin_site.each_context(request),
        # Its six columns need the width of the screen, as the content lists do.
        "is_nav_sidebar_enabled": False,
        "title": _("Activity log"),
        "form": form,
        "page": page,
        "entries": entries(page.object_list),
    }
    return TemplateResponse(request, "admin/cities/activity_log.html", context)
