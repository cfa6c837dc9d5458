"""Edit conflicts in the admin: nobody's save silently undoes another editor's.

A change form remembers the version of every row it shows (the object and its inline rows):
the id of each row's newest history record, in one hidden field. Saving compares those
versions with the database, with the rows locked, before anything is written. If another
editor saved or deleted one of them in between, nothing is saved: the conflict page says who
changed what and when, keeps everything the editor typed, and offers to apply the editor's
own changes on top of the current version (their fields only; the others' stay).

The history's versions serve as version numbers, so no model needs a counter column, and
the conflict page reads who changed what from the same records.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import router, transaction
from django.forms.formsets import DELETION_FIELD_NAME as DELETION_FIELD
from django.forms.models import InlineForeignKeyField
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from learningcities.editorial.versions import (
    OPENED_FIELD,
    Versions,
    historical_many_to_many,
    newest_version,
)

from .history import readable_changes, readable_value

SEEN_FIELD = "_seen_versions"
APPLY_FIELD = "_apply_on_top"


@dataclass
class Change:
    """One version saved by someone else: who, when, and each field before and after."""

    who: str
    when: object
    deleted: bool
    fields: list = field(default_factory=list)


@dataclass
class ConflictingRow:
    """A row changed or deleted by others since the form was opened, with what the editor
    changed in it."""

    model: type
    label: str
    url: str
    deleted: bool
    changes: list
    mine: list

    @property
    def kind(self):
        return self.model._meta.verbose_name


def changes_since(model, pk, version):
    """The versions of one row saved after `version`, oldest first, each compared with the
    one before it."""
    records = (
        model.history.filter(**{model._meta.pk.attname: pk}, history_id__gt=version or 0)
        .select_related("history_user")
        .order_by("history_id")
    )
    changes = []
    for record in records:
        user = record.history_user
        who = (user.get_full_name() or user.get_username()) if user else _("someone")
        change = Change(who=who, when=record.history_date, deleted=record.history_type == "-")
        previous = record.prev_record
        if previous is not None and not change.deleted:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            change.fields = readable_changes(model, delta)
        changes.append(change)
    return changes


def opened_record(model, pk, version):
    if version is None:
        return None
    return model.history.filter(**{model._meta.pk.attname: pk}, history_id=version).first()


def values_at(form, record):
    """Each model field of `form` as it was in the history `record`, in the form's terms."""
    instance = record.instance
    many_to_many = {field.name: ids for field, ids in historical_many_to_many(record)}
    values = {}
    for name, form_field in form.fields.items():
        if isinstance(form_field, InlineForeignKeyField) or name == instance._meta.pk.name:
            continue
        if name in many_to_many:
            values[name] = many_to_many[name]
            continue
        try:
            model_field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.concrete and not model_field.many_to_many:
            value = model_field.value_from_object(instance)
            # As the form's own initial values: to the second where the widget shows no less.
            if isinstance(value, datetime.datetime) and not form_field.widget.supports_microseconds:
                value = value.replace(microsecond=0)
            values[name] = value
    return values


def edited_fields(form, record):
    """The fields the editor changed in `form` since the version `record` they opened."""
    return [
        name
        for name, value in values_at(form, record).items()
        if form.fields[name].has_changed(value, form[name].data)
    ]


def typed(form, names=None):
    """What the editor typed into the fields `names` (default: those changed), as people
    read it."""
    shown = []
    for name in form.changed_data if names is None else names:
        if name == DELETION_FIELD:
            continue
        try:
            value = form.fields[name].clean(form[name].data)
        except ValidationError:
            value = form[name].data
        shown.append(
            {
                "field": form.fields[name].label,
                "name": name,
                "value": readable_value(form._meta.model, name, value),
            }
        )
    return shown


def merging(form_class, plan):
    """`form_class` saving only what the editor changed since the version they opened:
    every other field keeps its current value (a disabled field takes its initial value,
    the current one, whatever was posted)."""

    class MergingForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            record = plan.get((type(self.instance), str(self.instance.pk)))
            if self.is_bound and record is not None:
                edited = set(edited_fields(self, record))
                for name in values_at(self, record):
                    if name not in edited:
                        self.fields[name].disabled = True

    return MergingForm


class EditConflictAdmin(admin.ModelAdmin):
    """Refuses to save a change form over rows changed since it was opened (see above)."""

    def versioned_objects(self, obj, inline_formsets):
        yield obj
        for formset in inline_formsets:
            if hasattr(formset.model, "history"):
                for form in formset.initial_forms:
                    if form.instance.pk is not None:
                        yield form.instance

    def versioned_models(self, request, obj):
        return [self.model, *(inline.model for inline in self.get_inline_instances(request, obj))]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            posted = request.POST.get(OPENED_FIELD) if request.method == "POST" else None
            opened = posted and Versions.decode(posted, self.versioned_models(request, obj))
            if opened is None:
                formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
                opened = Versions.of(self.versioned_objects(obj, formsets))
            context[OPENED_FIELD.strip("_")] = opened.encode()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A draft changes nothing live: it meets the changes published since it was made when
        # it is published (cities.drafts).
        if (
            request.method != "POST"
            or object_id is None
            or OPENED_FIELD not in request.POST
            or getattr(request, "saving_draft", False)
        ):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            obj = self.get_object(request, object_id)
            if obj is None and not self.deleted_and_theirs(request, object_id):
                # Not theirs to see, or never there: the admin's own answer, nothing more.
                return super().changeform_view(request, object_id, form_url, extra_context)
            models = self.versioned_models(request, obj)
            opened = Versions.decode(request.POST[OPENED_FIELD], models)
            if opened is None:
                return super().changeform_view(request, object_id, form_url, extra_context)
            opened = self.rows_of_the_form(request, object_id, obj, opened)
            current = opened.now(lock=True)
            applying = APPLY_FIELD in request.POST
            expected = opened
            if applying:
                expected = Versions.decode(request.POST.get(SEEN_FIELD, ""), models) or opened
            if obj is None or current.differing(expected):
                return self.conflict_response(request, object_id, obj, opened, current)
            if applying:
                self.prepare_merge(request, obj, opened, current)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def deleted_and_theirs(self, request, object_id):
        """Whether `object_id` names an item deleted since, which this person could change."""
        try:
            pk = self.model._meta.pk.to_python(object_id)
        except ValidationError:
            return False
        last = newest_version(self.model, pk)
        return (
            last is not None
            and last.history_type == "-"
            and self.has_change_permission(request, last.instance)
        )

    def rows_of_the_form(self, request, object_id, obj, opened):
        """Only the rows this form shows, the object and its inline rows (deleted ones
        included): a forged field naming other rows learns nothing of them."""
        row_links = []
        if obj is not None:
            row_links = [
                (FormSet.model, FormSet.fk.attname)
                for FormSet, _inline in self.get_formsets_with_inlines(request, obj)
            ]
        return opened.limited_to(self.model, object_id, row_links)

    def prepare_merge(self, request, obj, opened, current):
        """Set up the forms to save the editor's changes on top of the current rows; rows
        deleted meanwhile stay deleted (the conflict page said so)."""
        request.edit_merge_plan = {
            (model, pk): opened_record(model, pk, version) for model, pk, version in opened.rows()
        }
        deleted = {
            (model, pk)
            for model, pk, _version in current.rows()
            if not model._default_manager.filter(pk=pk).exists()
        }
        if not deleted:
            return
        data = request.POST.copy()
        for FormSet, _inline in self.get_formsets_with_inlines(request, obj):
            prefix = FormSet.get_default_prefix()
            pk_name = FormSet.model._meta.pk.name
            for key, value in request.POST.items():
                row, _dash, name = key.rpartition("-")
                if (
                    row.startswith(f"{prefix}-")
                    and name == pk_name
                    and (FormSet.model, value) in deleted
                ):
                    data[f"{row}-{DELETION_FIELD}"] = "on"
        request.POST = data

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        plan = getattr(request, "edit_merge_plan", None)
        return merging(form, plan) if plan else form

    def get_formsets_with_inlines(self, request, obj=None):
        plan = getattr(request, "edit_merge_plan", None)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if plan:
                formset.form = merging(formset.form, plan)
            yield formset, inline

    def conflict_response(self, request, object_id, obj, opened, current):
        if obj is not None and not self.has_change_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        mine, added = self.changes_typed(request, obj, opened) if obj else ({}, [])
        rows = []
        for model, pk, version in opened.differing(current):
            exists = model._default_manager.filter(pk=pk).first()
            rows.append(
                ConflictingRow(
                    model=model,
                    label=str(exists) if exists else self.last_known_label(model, pk),
                    url=self.row_url(model, pk, exists),
                    deleted=exists is None,
                    changes=changes_since(model, pk, version),
                    mine=mine.pop((model, pk), []),
                )
            )
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Someone else saved changes while you were editing"),
            "opts": opts,
            "object": obj,
            "object_label": str(obj) if obj else self.last_known_label(self.model, object_id),
            "rows": rows,
            # What the editor changed in rows nobody else touched: saved as typed.
            "my_other_changes": [
                {"kind": model._meta.verbose_name, "label": self.label_of(model, pk), "fields": f}
                for (model, pk), f in mine.items()
                if f
            ],
            "my_additions": added,
            "kept_fields": [
                (name, value)
                for name, values in request.POST.lists()
                if name not in {"csrfmiddlewaretoken", SEEN_FIELD, APPLY_FIELD}
                for value in values
            ],
            "seen_versions": current.encode(),
            "files": [upload.name for upload in request.FILES.values()],
            "can_apply": obj is not None,
            "change_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(object_id)]
            ),
            "deleted_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_deleted"),
        }
        return TemplateResponse(request, "admin/cities/edit_conflict.html", context, status=409)

    def changes_typed(self, request, obj, opened):
        """What the editor changed since the version they opened: {(model, pk): fields} for
        the rows the form showed, and a list of the rows they added."""
        ModelForm = self.get_form(request, obj, change=True)
        rows = [(ModelForm(request.POST, request.FILES, instance=obj), str(obj.pk))]
        for FormSet, inline in self.get_formsets_with_inlines(request, obj):
            prefix = FormSet.get_default_prefix()
            formset = FormSet(**self.get_formset_kwargs(request, obj, inline, prefix))
            pk_name = FormSet.model._meta.pk.name
            rows += [(form, form[pk_name].data or None) for form in formset.forms]
        changed, added = {}, []
        for form, pk in rows:
            model = form._meta.model
            record = pk and opened_record(model, pk, opened.by_model.get(model, {}).get(pk))
            if not record:
                if pk is None and form.has_changed():
                    added.append({"kind": model._meta.verbose_name, "fields": typed(form)})
                continue
            fields = typed(form, edited_fields(form, record))
            if form.prefix and form[DELETION_FIELD].data:
                fields.append({"field": _("deleted"), "value": _("yes")})
            changed[(model, pk)] = fields
        return changed, added

    def label_of(self, model, pk):
        current = model._default_manager.filter(pk=pk).first()
        return str(current) if current else self.last_known_label(model, pk)

    def last_known_label(self, model, pk):
        record = newest_version(model, pk)
        return str(record.instance) if record else str(pk)

    def row_url(self, model, pk, exists):
        opts = model._meta
        if exists is None:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_deleted")
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(pk)])

    def get_changelist_formset(self, request, **kwargs):
        FormSet = super().get_changelist_formset(request, **kwargs)
        posted = request.POST.get(OPENED_FIELD) if request.method == "POST" else None
        opened = posted and Versions.decode(posted, [self.model])
        if opened:
            FormSet.form = refusing_changed_rows(FormSet.form, opened)
        return FormSet

    def changelist_view(self, request, extra_context=None):
        # The rows' versions are checked and the rows written in one transaction.
        if request.method == "POST" and "_save" in request.POST:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)


def refusing_changed_rows(form_class, opened):
    """A list's row form (list_editable) that refuses to save a row changed since the list
    was opened, naming who changed it and when."""

    class RowForm(form_class):
        def clean(self):
            cleaned_data = super().clean()
            instance = self.instance
            versions = opened.by_model.get(type(instance), {})
            pk = str(instance.pk)
            if pk not in versions or not self.has_changed():
                return cleaned_data
            row = Versions({type(instance): {pk: versions[pk]}})
            if row.differing(row.now(lock=True)):
                changes = changes_since(type(instance), pk, versions[pk])
                last = changes[-1]
                raise ValidationError(
                    _(
                        "%(who)s changed “%(item)s” on %(when)s, after you opened this list: "
                        "your value was not saved. Check it and save again to keep it."
                    ),
                    params={
                        "who": last.who,
                        "item": instance,
                        "when": formats.date_format(
                            timezone.localtime(last.when), "DATETIME_FORMAT"
                        ),
                    },
                    code="edit_conflict",
                )
            return cleaned_data

    return RowForm
