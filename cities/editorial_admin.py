"""Admin building blocks for the editorial workflow: publication state, history and undo."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Max
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from learningcities.editorial import actions
from learningcities.editorial.permissions import EditorialPermissionDenied, may_take_offline
from learningcities.editorial.versions import historical_many_to_many

from .history import (
    ARCHIVED,
    MADE_DRAFTS,
    PUBLISHED,
    describe,
    local_datetime,
    readable_changes,
)
from .models import PublicationState, Publishable, Status
from .rendered_diff import marked_changes
from .review import close_when_published, may_publish

# Words of context the history list keeps beside each change of a long text.
SHOWN_AROUND = 8


class PublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return PublicationState.choices

    def queryset(self, request, queryset):
        if self.value() in PublicationState.values:
            return queryset.in_state(self.value())
        return queryset


class PublishableAdmin(admin.ModelAdmin):
    """Status at a glance and changed in one click, for cities, programs and photos."""

    actions = ["publish_now", "make_draft", "archive"]

    @admin.display(description=_("publication"), ordering="published_at")
    def publication(self, obj):
        state = obj.publication_state
        if state == PublicationState.SCHEDULED:
            local = timezone.localtime(obj.published_at)
            return format_html(
                '<span class="publication publication--scheduled">{}</span>',
                _("scheduled for %(date)s") % {"date": date_format(local, "DATETIME_FORMAT")},
            )
        return format_html(
            '<span class="publication publication--{}">{}</span>', state, state.label
        )

    def change_status(self, request, queryset, status, published_at, reason):
        pks = list(queryset.values_list("pk", flat=True))
        with transaction.atomic(using=router.db_for_write(self.model)):
            try:
                changed = actions.change_status(
                    self.model, pks, request.user, status, published_at, reason
                )
            except EditorialPermissionDenied as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return
            for obj in changed:
                self.log_change(request, obj, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            ngettext("%(count)d item: %(done)s.", "%(count)d items: %(done)s.", len(changed))
            % {"count": len(changed), "done": gettext(reason)},
            messages.SUCCESS,
        )

    def has_publish_permission(self, request):
        return may_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        # Deleting a published item takes it off the site: a publisher's step. The bulk
        # delete asks this of every item it would delete, those of the cascade included.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_take_offline(request.user, obj))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        saved = [form.instance]
        for formset in formsets:
            saved += [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]
        # Published by a publisher's own save: a submission of it is decided by that.
        close_when_published(saved, request.user)
        not_public = [obj for obj in saved if isinstance(obj, Publishable) and not obj.is_published]
        if not_public:
            # Said outright: a draft saved among published items is easily taken for public.
            items = ", ".join(f"“{obj}” ({obj.publication_state.label})" for obj in not_public)
            self.message_user(
                request,
                _("Saved, but not public: %(items)s.") % {"items": items},
                messages.WARNING,
            )

    @admin.action(description=_("Publish selected items now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        self.change_status(request, queryset, Status.PUBLISHED, timezone.now(), PUBLISHED)

    @admin.action(description=_("Make selected items drafts"), permissions=["change"])
    def make_draft(self, request, queryset):
        self.change_status(request, queryset, Status.DRAFT, None, MADE_DRAFTS)

    @admin.action(description=_("Archive selected items"), permissions=["change"])
    def archive(self, request, queryset):
        self.change_status(request, queryset, Status.ARCHIVED, None, ARCHIVED)


class EditorialHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's history and revert, plus a list of deleted items to restore
    and a comparison of any two versions."""

    change_list_template = "admin/cities/change_list_with_deleted.html"
    object_history_template = "admin/cities/object_history.html"
    object_history_list_template = "admin/cities/object_history_list.html"
    object_history_form_template = "admin/cities/object_history_form.html"

    def get_urls(self):
        opts = self.model._meta
        info = opts.app_label, opts.model_name
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="{}_{}_deleted".format(*info),
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            *super().get_urls(),
        ]

    def valid_ids(self, *ids):
        """A mistyped address is a 404, not a 500 from the database look-up."""
        try:
            return [self.model._meta.pk.to_python(value) for value in ids]
        except ValidationError as error:
            raise Http404(_("No such item or version.")) from error

    def is_hidden(self, request, object_id):
        """Whether the admin hides this item from the user (an uploader and someone else's
        photo): django-simple-history would otherwise show its history all the same."""
        if self.model._default_manager.filter(pk=object_id).exists():
            return not self.get_queryset(request).filter(pk=object_id).exists()
        last = self.model.history.filter(**{self.model._meta.pk.attname: object_id}).first()
        return last is not None and not self.has_change_permission(request, last.instance)

    def history_view(self, request, object_id, extra_context=None):
        (pk,) = self.valid_ids(object_id)
        if self.is_hidden(request, pk):
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, str(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_view_title(self, request, obj):
        return _("History of “%(item)s”") % {"item": obj}

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each version of the page: what happened and what changed, as people read it."""
        previous = None
        for record in describe(historical_records):
            if previous is not None:
                delta = previous.diff_against(record, foreign_keys_are_objs=True)
                previous.history_delta_changes = [
                    {**row, **where_it_changed(row["old"], row["new"])}
                    for row in readable_changes(self.model, delta)
                ]
                # Saved again with nothing a person would see as changed.
                previous.changes_nothing = not previous.history_delta_changes
            previous = record

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        object_id, version_id = self.valid_ids(object_id, version_id)
        if self.is_hidden(request, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, str(object_id))
        # Remembered for get_form, which receives the old version without its version id.
        request.history_version_id = version_id
        version = self.model.history.filter(history_id=version_id).first()
        request.history_version = version and describe([version])[0]
        context = {"version": request.history_version, **(extra_context or {})}
        return super().history_form_view(request, object_id, version_id, context)

    def history_form_view_title(self, request, obj):
        version = request.history_version
        date = local_datetime(version.history_date) if version else "—"
        if self.revert_disabled(request, obj):
            return _("“%(item)s” as it was on %(date)s") % {"item": obj, "date": date}
        return _("Restore “%(item)s” as it was on %(date)s") % {"item": obj, "date": date}

    def get_form(self, request, obj=None, **kwargs):
        version_id = getattr(request, "history_version_id", None)
        if obj is not None and version_id is not None:
            # django-simple-history saves a posted old version after checking only the right
            # to view history: restoring is a change, so it needs the right to change it.
            if request.method == "POST" and not self.has_change_permission(request, obj):
                raise PermissionDenied
            self.forget_missing_files(request, obj)
            # Only for showing the form: a posted form carries its own values, and a cached
            # relation would hide the current one from the many-to-many save.
            if request.method == "GET":
                self.load_historical_many_to_many(obj, version_id)
        return super().get_form(request, obj, **kwargs)

    def forget_missing_files(self, request, obj):
        """An old version may name a file that was deleted since (with its photo): the form
        then asks for the file again instead of restoring a broken picture."""
        for field in obj._meta.fields:
            if not isinstance(field, models.FileField):
                continue
            file = getattr(obj, field.attname)
            if file and not file.storage.exists(file.name):
                setattr(obj, field.attname, None)
                if request.method == "GET":
                    self.message_user(
                        request,
                        _("The file of “%(field)s” is no longer stored: upload it again.")
                        % {"field": field.verbose_name},
                        messages.WARNING,
                    )

    def load_historical_many_to_many(self, obj, version_id):
        """Make the form of an old version start from that version's many-to-many values
        (django-simple-history keeps them, but the instance it rebuilds would read today's)."""
        record = self.model.history.get(history_id=version_id)
        cache = getattr(obj, "_prefetched_objects_cache", {})
        for field, ids in historical_many_to_many(record):
            cache[field.name] = field.related_model._default_manager.filter(pk__in=ids)
        obj._prefetched_objects_cache = cache

    def save_model(self, request, obj, form, change):
        version_id = getattr(request, "history_version_id", None)
        if version_id is None:
            super().save_model(request, obj, form, change)
            return
        restored = actions.restore(obj, request.user, version_id)
        if restored:
            self.message_user(
                request,
                ngettext(
                    "%(count)d item deleted with it was restored too.",
                    "%(count)d items deleted with it were restored too.",
                    restored,
                )
                % {"count": restored},
                messages.SUCCESS,
            )

    def delete_model(self, request, obj):
        # By the engine, which checks the right again in the deleting transaction.
        actions.delete(self.model, [obj.pk], request.user)

    def delete_queryset(self, request, queryset):
        actions.delete(self.model, list(queryset.values_list("pk", flat=True)), request.user)

    def deleted_view(self, request):
        """The last version of each deleted item, each with a link to restore it."""
        if not (self.has_view_permission(request) and self.has_add_permission(request)):
            raise PermissionDenied
        # On a historical model "pk" is the version's id; the item's own id is `id_field`.
        id_field = self.model._meta.pk.attname
        history = self.model.history
        existing = self.model._default_manager.values("pk")
        last_versions = (
            history.exclude(**{f"{id_field}__in": existing})
            .values(id_field)
            .annotate(last=Max("history_id"))
        )
        records = [
            record
            for record in history.filter(history_id__in=[row["last"] for row in last_versions])
            .filter(history_type="-")
            .select_related("history_user")
            .order_by("-history_date")
            # Only what this user could restore (uploaders: their own photos).
            if self.has_change_permission(request, record.instance)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted %(name)s") % {"name": self.model._meta.verbose_name_plural},
            "opts": self.model._meta,
            "records": records,
        }
        return TemplateResponse(request, "admin/cities/deleted_list.html", context)

    def compare_view(self, request, object_id):
        """Field by field, what differs between two versions chosen in the history."""
        (object_id,) = self.valid_ids(object_id)
        if self.is_hidden(request, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, str(object_id))
        old_id, new_id = self.valid_ids(request.GET.get("old"), request.GET.get("new"))
        history = self.model.history.filter(**{self.model._meta.pk.attname: object_id})
        try:
            old = history.get(history_id=old_id)
            new = history.get(history_id=new_id)
        except history.model.DoesNotExist as error:
            raise Http404(_("Choose two versions of this item to compare.")) from error
        if not self.has_view_history_or_change_history_permission(request, new.instance):
            raise PermissionDenied
        if old.history_date > new.history_date:
            old, new = new, old
        delta = new.diff_against(old, foreign_keys_are_objs=True)
        rows = [
            {**row, **marked_changes(row["old"], row["new"])}
            for row in readable_changes(self.model, delta)
        ]
        describe([old, new])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions of %(item)s") % {"item": new.instance},
            "opts": self.model._meta,
            "object": new.instance,
            "object_id": object_id,
            "old": old,
            "new": new,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/cities/compare_versions.html", context)


def where_it_changed(old, new):
    """Two values for a list of changes: as they are, but a long text (more words than the
    context kept around a change) cut to its changed words and those around them."""
    texts = isinstance(old, str) and isinstance(new, str)
    if texts and max(len(old.split(" ")), len(new.split(" "))) > SHOWN_AROUND * 2 + 1:
        return marked_changes(old, new, context=SHOWN_AROUND)
    return {"old": old, "new": new}
