"""Draft changes in the admin: "Save draft" (and "Schedule") on the form of a live item, the
form showing the draft while there is one, "with unpublished changes" in the lists, and the
page that discards a draft (cities.drafts holds the rules)."""

import datetime
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from learningcities.editorial.permissions import EditorialPermissionDenied

from . import draft_comments, drafts, preview_links, review
from .edit_conflicts import OPENED_FIELD
from .history import PUBLISHED_FROM
from .models import Draft, DraftState, Publishable, Status
from .models.preview_links import DEFAULT_VALIDITY
from .notifications import draft_comments_path, editing_path
from .review_admin import SUBMIT_BUTTON
from .rich_text import RichTextFormField

SAVE_DRAFT = "_save_draft"
SCHEDULE_DRAFT = "_schedule_draft"
PUBLISH_AT_FIELD = "_draft_publish_at"
PREVIEW_DAYS_FIELD = "_preview_days"


def is_live(item):
    """Whether the public sees `item` (as read from the database; criteria and site texts
    always): its changes then wait in a draft instead of going public with the save."""
    if item is None or item.pk is None:
        return False
    return not isinstance(item, Publishable) or item.status == Status.PUBLISHED


class WithUnpublishedChangesFilter(admin.SimpleListFilter):
    title = _("unpublished changes")
    parameter_name = "draft"

    def lookups(self, request, model_admin):
        return [("yes", _("with unpublished changes")), ("no", _("without"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(has_open_draft=True)
        if self.value() == "no":
            return queryset.filter(has_open_draft=False)
        return queryset


class DraftableAdmin:
    """For the admins of live content: cities, programs, photos, criteria and site texts.

    Saving a live item's form as a draft keeps the posted form (cities.drafts) and changes
    nothing public. Those who may publish save it straight away too ("Save" publishes, the
    draft included); the others only save drafts, and submit them for review.
    """

    def drafting(self, request, obj):
        """Whether this post of `obj`'s form is kept as a draft rather than saved."""
        if not request.item_is_live:
            return False
        return (
            SAVE_DRAFT in request.POST
            or SCHEDULE_DRAFT in request.POST
            or not review.may_publish(request.user)
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
        # Read once, before the form changes the object in memory.
        request.item_is_live = is_live(obj)
        if obj is not None and self.has_change_permission(request, obj):
            if request.method == "POST":
                request.saving_draft = self.drafting(request, obj)
            else:
                # A live item's draft, or what autosave kept of an unpublished one's form.
                request.shown_draft = drafts.open_draft(obj)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except drafts.DraftError:
            # Another draft of the item was saved at the same moment, and nothing of this
            # save was kept: the form is checked again, and says whose draft it met, with
            # what this editor typed.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        # The admin reads the object again after changeform_view above did: one query.
        read = request.__dict__.setdefault("objects_read", {})
        key = (self.model, object_id, from_field)
        if key not in read:
            read[key] = super().get_object(request, object_id, from_field)
        return read[key]

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        shown = getattr(request, "shown_draft", None)
        if shown is not None:
            return showing(form_class, shown)
        if getattr(request, "saving_draft", False):
            return refusing_stale_draft(form_class, request)
        return form_class

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        shown = getattr(request, "shown_draft", None)
        if shown is not None:
            data = with_local_dates(drafts.as_post(shown.data), inline.model, prefix)
            kwargs.update(data=data, files=MultiValueDict())
        return kwargs

    def get_queryset(self, request):
        open_drafts = Draft.objects.of_model(self.model).open().filter(object_id=OuterRef("pk"))
        return super().get_queryset(request).annotate(has_open_draft=Exists(open_drafts))

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), WithUnpublishedChangesFilter]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if issubclass(self.model, Publishable):
            return columns  # said in the publication column
        return [*columns, "unpublished_changes"]

    @admin.display(description=_("publication"), ordering="published_at")
    def publication(self, item):
        shown = super().publication(item)
        if not item.has_open_draft:
            return shown
        return format_html(
            '{}<br><span class="publication publication--changes">{}</span>',
            shown,
            _("with unpublished changes"),
        )

    @admin.display(description=_("unpublished changes"))
    def unpublished_changes(self, item):
        if not item.has_open_draft:
            return "—"
        return format_html(
            '<span class="publication publication--changes">{}</span>',
            _("published, with unpublished changes"),
        )

    def save_model(self, request, obj, form, change):
        if not getattr(request, "saving_draft", False):
            shown = request.POST.get(drafts.REVISION_FIELD) and drafts.open_draft(obj)
            if shown:
                obj._change_reason = PUBLISHED_FROM % shown.pk
            super().save_model(request, obj, form, change)
        # A draft is kept with its inline rows, in save_related.

    def save_related(self, request, form, formsets, change):
        if not getattr(request, "saving_draft", False):
            super().save_related(request, form, formsets, change)
            self.close_published_draft(request, form.instance)
            return
        seen = request.POST.get(drafts.REVISION_FIELD)
        posted_forms = [form, *(row for formset in formsets for row in formset.forms)]
        draft = request.saved_draft = drafts.save_draft(
            form.instance, request.user, request.POST, posted_forms, int(seen) if seen else None
        )
        if SCHEDULE_DRAFT in request.POST and review.may_publish(request.user):
            # Its time is in the message (response_change), read from the draft saved above.
            draft.publish_at = drafts.schedule(
                draft.pk, request.user, request.draft_publish_at
            ).publish_at
        if SUBMIT_BUTTON in request.POST:
            self.submit_draft(request, form.instance, draft)

    def close_published_draft(self, request, item):
        """A publisher's save of the form that showed the draft publishes the draft."""
        seen = request.POST.get(drafts.REVISION_FIELD)
        draft = Draft.objects.of(item).open().select_for_update().first()
        if draft is None:
            return
        if str(draft.revision) == seen:
            drafts.close(draft, DraftState.PUBLISHED, request.user)
            review.close_with_draft(draft, request.user)
        else:
            self.message_user(
                request,
                _("%(person)s saved a draft of it after you opened it: that draft stays open.")
                % {"person": draft.updated_by or _("someone")},
                messages.WARNING,
            )

    def submit_draft(self, request, item, draft):
        try:
            review.submit(item, request.user, draft=draft)
        except review.ReviewError as refusal:
            self.message_user(request, refusal, messages.WARNING)
        else:
            self.message_user(
                request,
                _(
                    "The changes to “%(item)s” are submitted for review; the publishers are "
                    "told by mail."
                )
                % {"item": item},
                messages.SUCCESS,
            )

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "saving_draft", False):
            return []  # nothing of the item was saved
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        # A draft is recorded in its own row (who, when), not as a change of the item.
        if not getattr(request, "saving_draft", False):
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        if not getattr(request, "saving_draft", False):
            return super().response_change(request, obj)
        draft = request.saved_draft
        if hasattr(draft, "withdrawn_from"):
            withdrawn = _(
                "You changed the draft after %(person)s approved or scheduled it: the "
                "approval and its scheduled publication are withdrawn, and %(person)s is told "
                "by mail. Submit it for review again."
            ) % {"person": draft.withdrawn_from or _("someone")}
            self.message_user(request, withdrawn, messages.WARNING)
        # A submission says so itself (save_related).
        if draft.publish_at:
            done = _("Changes saved as a draft, to be published on %(date)s.") % {
                "date": date_format(timezone.localtime(draft.publish_at), "DATETIME_FORMAT")
            }
            self.message_user(request, done, messages.SUCCESS)
        elif SUBMIT_BUTTON not in request.POST:
            done = _(
                "Changes saved as a draft: the public page is unchanged until they are published."
            )
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        live = change and getattr(request, "item_is_live", False)
        shown = getattr(request, "shown_draft", None)
        if request.method == "POST" and change:
            shown = drafts.open_draft(obj)
            context["draft_revision"] = getattr(
                request, "draft_revision_met", request.POST.get(drafts.REVISION_FIELD, "")
            )
        elif shown is not None:
            context["draft_revision"] = shown.revision
            # The versions the draft was made from: publishing it over changes published
            # since goes through the conflict page, like any stale form.
            opened = shown.data.get(OPENED_FIELD)
            if opened:
                context["opened_versions"] = opened[0]
        if change and self.has_change_permission(request, obj):
            context["autosave_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_autosave", args=[obj.pk]
            )
        context.update(
            is_live=live,
            draft=shown,
            may_publish=review.may_publish(request.user),
            draft_preview_url=shown and shown.get_absolute_url(),
            draft_discard_url=shown
            and reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_discard_draft", args=[obj.pk]
            ),
        )
        if shown is not None:
            context.update(self.sharing_context(request, obj, shown))
            self.show_comments(context, obj, shown)
        # Those who may not publish save drafts of live items and submit them.
        if live and not review.may_publish(request.user):
            context["show_submit_for_review"] = True
        return response

    def show_comments(self, context, obj, draft):
        """Beside each field of the form, the draft's open comments on it; the notice links
        to all of them."""
        url = draft_comments_path(draft)
        by_field = defaultdict(list)
        for comment in draft_comments.open_comments(draft):
            by_field[comment.field].append(comment)
        context.update(
            comments_url=url, open_comments=sum(len(found) for found in by_field.values())
        )
        form = context["adminform"].form
        for field in draft_comments.commentable_fields(draft):
            if field not in form.fields:
                continue
            # On the bound field, as the translation notes are (cities.translation_status).
            bound = form[field]
            if by_field[field]:
                bound.help_text = format_html(
                    "{}{}", bound.help_text, comments_note(by_field[field], url)
                )
            if isinstance(form.fields[field], RichTextFormField):
                bound.help_text = format_html(
                    "{}{}", bound.help_text, comment_selection_button(field, url)
                )

    def sharing_context(self, request, obj, draft):
        """The draft's working preview links (for those who may publish it: they make and
        revoke them) and the comments left through any of its links (for all)."""
        info = self.opts.app_label, self.opts.model_name
        context = {"preview_comments": preview_links.comments_on(draft)}
        if review.may_publish(request.user, obj):
            links = list(draft.preview_links.working().annotate(times_opened=Count("openings")))
            for link in links:
                link.address = request.build_absolute_uri(link.get_absolute_url())
                link.revoke_url = reverse(
                    "admin:{}_{}_revoke_preview_link".format(*info), args=[obj.pk, link.pk]
                )
            context.update(
                preview_links=links,
                share_url=reverse("admin:{}_{}_share_preview".format(*info), args=[obj.pk]),
                preview_days=preview_links.VALIDITY_DAYS,
                default_preview_days=DEFAULT_VALIDITY.days,
            )
        return context

    def revert_disabled(self, request, obj=None):
        # Restoring a version of a live item publishes it: for those who may publish it only,
        # and not offered to the others (they may still look at the version).
        if obj is not None and is_live(obj) and not review.may_publish(request.user, obj):
            return True
        return super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.revert_disabled(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        item_drafts = Draft.objects.filter(
            content_type__app_label=self.opts.app_label,
            content_type__model=self.opts.model_name,
            object_id=object_id if str(object_id).isdigit() else 0,
        ).select_related("content_type", "created_by", "updated_by", "closed_by")
        # Ordered again: a model's own ordering is left out of a query with aggregates.
        item_drafts = item_drafts.annotate(
            comment_count=Count("comments", filter=Q(comments__answer_to=None)),
            open_comment_count=Count(
                "comments", filter=Q(comments__answer_to=None, comments__resolved_at=None)
            ),
        ).order_by(*Draft._meta.ordering)
        for draft in item_drafts:
            draft.comments_path = draft_comments_path(draft)
        extra_context = {"item_drafts": item_drafts, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/draft/discard/",
                self.admin_site.admin_view(self.discard_draft_view),
                name="{}_{}_discard_draft".format(*info),
            ),
            path(
                "<path:object_id>/draft/autosave/",
                self.admin_site.admin_view(self.autosave_view),
                name="{}_{}_autosave".format(*info),
            ),
            path(
                "<path:object_id>/drafts/<int:draft_id>/comments/",
                self.admin_site.admin_view(self.draft_comments_view),
                name="{}_{}_draft_comments".format(*info),
            ),
            path(
                "<path:object_id>/draft/share/",
                self.admin_site.admin_view(self.share_preview_view),
                name="{}_{}_share_preview".format(*info),
            ),
            path(
                "<path:object_id>/draft/links/<int:link_id>/revoke/",
                self.admin_site.admin_view(self.revoke_preview_link_view),
                name="{}_{}_revoke_preview_link".format(*info),
            ),
            *super().get_urls(),
        ]

    def autosave_view(self, request, object_id):
        """What is typed in the item's form, posted by its script after a pause, kept as the
        item's draft (cities.drafts.autosave). Answers in JSON: the draft's new revision, which
        the form posts from then on, or why nothing was kept and whether to stop trying."""
        if request.method != "POST":
            return JsonResponse({"saved": False, "stop": True}, status=405)
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        seen = request.POST.get(drafts.REVISION_FIELD, "")
        try:
            draft = drafts.autosave(
                obj, request.user, request.POST, int(seen) if seen.isdigit() else None
            )
        except drafts.DraftNotApplicable as refusal:
            message = _("Not saved yet: %(problem)s") % {"problem": refusal}
            return JsonResponse({"saved": False, "stop": False, "message": message}, status=422)
        except drafts.DraftError as refusal:
            message = _("Autosave stopped. %(problem)s") % {"problem": refusal}
            return JsonResponse({"saved": False, "stop": True, "message": message}, status=409)
        answer = {
            "saved": True,
            "revision": draft.revision,
            "message": _("Saved as a draft at %(time)s")
            % {"time": date_format(timezone.localtime(draft.updated_at), "TIME_FORMAT")},
        }
        if hasattr(draft, "withdrawn_from"):
            answer["message"] += ". " + _(
                "You changed the draft after %(person)s approved or scheduled it: the approval "
                "and its scheduled publication are withdrawn, and %(person)s is told by mail."
            ) % {"person": draft.withdrawn_from or _("someone")}
        return JsonResponse(answer)

    def share_preview_view(self, request, object_id):
        """A new preview link to the item's open draft, for people without an account."""
        obj, draft = self.open_draft_of(request, object_id)
        try:
            # A form posted without the field (a script's, an older page's) takes the default.
            days = request.POST.get(PREVIEW_DAYS_FIELD, DEFAULT_VALIDITY.days)
            link = preview_links.make_link(draft.pk, request.user, preview_links.validity(days))
        except (EditorialPermissionDenied, preview_links.PreviewLinkError) as refusal:
            self.message_user(request, refusal, messages.ERROR)
        else:
            self.message_user(
                request,
                format_html(
                    _(
                        "A preview link is made; it works until {} for whoever has it, without "
                        "an account. Copy it from the list of links: {}"
                    ),
                    date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT"),
                    request.build_absolute_uri(link.get_absolute_url()),
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self.change_url(obj))

    def revoke_preview_link_view(self, request, object_id, link_id):
        obj, draft = self.open_draft_of(request, object_id)
        link = get_object_or_404(draft.preview_links, pk=link_id)
        try:
            preview_links.revoke(link.pk, request.user)
        except EditorialPermissionDenied as refusal:
            self.message_user(request, refusal, messages.ERROR)
        else:
            self.message_user(
                request, _("The preview link is withdrawn: it no longer opens."), messages.SUCCESS
            )
        return HttpResponseRedirect(self.change_url(obj))

    def open_draft_of(self, request, object_id):
        """The item and its open draft, for a step posted from its form (404 without one)."""
        if request.method != "POST":
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj, get_object_or_404(Draft.objects.of(obj).open())

    def change_url(self, obj):
        return editing_path(self.model, obj.pk)

    def draft_comments_view(self, request, object_id, draft_id):
        """A draft's comments on its fields, with their answers; while it is open, those who
        may change the item comment, answer and resolve here (cities.draft_comments)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        draft = get_object_or_404(Draft.objects.of(obj).select_related("content_type"), pk=draft_id)
        refusal = None
        if request.method == "POST":
            try:
                done = self.comment_step(request, draft)
            except (draft_comments.CommentError, EditorialPermissionDenied) as error:
                refusal = str(error)
            else:
                return HttpResponseRedirect(
                    f"{request.path}#comment-{done.answer_to_id or done.pk}"
                )
        fields = draft_comments.commentable_fields(draft)
        comments = draft_comments.comments_of(draft)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Comments on the draft of “%(item)s”") % {"item": obj},
            "opts": self.opts,
            "object": obj,
            "draft": draft,
            "is_open": draft.state == DraftState.OPEN,
            "comments": comments,
            "fields": fields,
            "chosen_field": request.POST.get("field") or request.GET.get("field", ""),
            "refusal": refusal,
            # What was refused stays typed; the form's "Comment on the selection" fills the
            # field and the passage in through the address.
            "typed": request.POST if refusal else request.GET,
            "change_url": self.change_url(obj),
            "preview_url": draft.get_absolute_url(),
        }
        status = 400 if refusal else 200
        return TemplateResponse(request, "admin/cities/draft_comments.html", context, status=status)

    def comment_step(self, request, draft):
        """A new comment, an answer or a resolution posted on the comments page."""
        for action in ("_answer", "_resolve"):
            if action in request.POST:
                posted = request.POST[action]
                comment = posted.isdigit() and draft.comments.filter(pk=posted).first()
                if not comment:
                    raise draft_comments.CommentError(_("That comment is not on this draft."))
                if action == "_resolve":
                    return draft_comments.resolve(comment.pk, request.user)
                text = request.POST.get(f"answer-{comment.pk}", "")
                return draft_comments.answer(comment.pk, request.user, text)
        return draft_comments.add(
            draft.pk,
            request.user,
            request.POST.get("field", ""),
            request.POST.get("text", ""),
            request.POST.get("quote", ""),
        )

    def discard_draft_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[object_id]
                )
            )
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        draft = get_object_or_404(Draft.objects.of(obj).open())
        try:
            drafts.discard(draft.pk, request.user)
        except drafts.DraftError as refusal:
            self.message_user(request, refusal, messages.ERROR)
        else:
            self.message_user(
                request,
                _("The unpublished changes to “%(item)s” are discarded.") % {"item": obj},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self.change_url(obj))


def comments_note(comments, url):
    """Under a field: its open comments, each with who wrote it, its answers and a link to
    answer or resolve it (in a new tab: the form keeps what is typed in it)."""
    items = format_html_join(
        "",
        '<li>{}{} — {}, {}{} <a href="{}#comment-{}" target="_blank" rel="noopener">{}</a></li>',
        (
            (
                format_html("“{}”: ", comment.quote) if comment.quote else "",
                comment.text,
                comment.author or _("someone"),
                date_format(timezone.localtime(comment.created_at), "DATETIME_FORMAT"),
                ngettext(" (%(count)d answer)", " (%(count)d answers)", len(answers))
                % {"count": len(answers)}
                if (answers := comment.answers.all())
                else "",
                url,
                comment.pk,
                _("Answer or resolve"),
            )
            for comment in comments
        ),
    )
    count = ngettext("%(count)d open comment", "%(count)d open comments", len(comments)) % {
        "count": len(comments)
    }
    return format_html(
        '<span class="draft-comments-note" role="note"><strong>{}</strong><ul>{}</ul></span>',
        count,
        items,
    )


def comment_selection_button(field, url):
    """Under a rich text: a button opening the comment form on the words selected in its
    editor (static/cities/admin/draft-comments.js, which shows it)."""
    return format_html(
        '<button type="button" class="button comment-selection" data-comment-on="{}" '
        'data-url="{}?{}" hidden>{}</button>',
        field,
        url,
        urlencode({"field": field}),
        _("Comment on the selection"),
    )


def showing(form_class, draft):
    """`form_class` filled with `draft`'s changes when the form is opened."""

    class FormShowingDraft(form_class):
        def __init__(self, data=None, files=None, *args, **kwargs):
            if data is None:
                data = with_local_dates(drafts.as_post(draft.data), form_class._meta.model)
                files = MultiValueDict()
            super().__init__(data, files, *args, **kwargs)

    return FormShowingDraft


def with_local_dates(data, model, prefix=""):
    """A draft's `data` (of `model`'s form, or of its inline rows under `prefix`) with its
    dates, kept in ISO 8601, written as the admin's inputs write a saved item's: 07/12/2026
    in the Spanish admin, not 2026-12-07."""
    shown = data.copy()
    for key, value in data.items():
        if prefix and not key.startswith(f"{prefix}-"):
            continue
        name = key.rsplit("-", 1)[-1]
        # A date and time in two inputs: the date is the first (published_at_0).
        date_of_two = name.endswith("_0")
        try:
            field = model._meta.get_field(name.removesuffix("_0") if date_of_two else name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.DateTimeField) != date_of_two:
            continue
        if not isinstance(field, models.DateField):
            continue
        try:
            shown[key] = formats.localize_input(datetime.date.fromisoformat(value))
        except ValueError:
            continue  # not as kept: shown as it is
    return shown


def refusing_stale_draft(form_class, request):
    """`form_class` refusing to save over a draft saved by someone else since the form was
    opened (the editor's changes stay in the form), and checking a scheduled time."""

    class DraftForm(form_class):
        def clean(self):
            cleaned = super().clean()
            draft = Draft.objects.of(self.instance).open().select_for_update().first()
            seen = request.POST.get(drafts.REVISION_FIELD) or None
            if draft is not None and str(draft.revision) != seen:
                # The form shown again names the draft it met, so that saving it again
                # replaces that draft, as the message says (and not a newer one unseen).
                request.draft_revision_met = draft.revision
                raise ValidationError(drafts.stale_draft_message(draft), code="stale_draft")
            if request.FILES:
                raise ValidationError(
                    _(
                        "A draft keeps texts, not files: publish the new file, or save the "
                        "draft without it."
                    ),
                    code="file_in_draft",
                )
            if SCHEDULE_DRAFT in request.POST:
                request.draft_publish_at = scheduled_time(request.POST.get(PUBLISH_AT_FIELD))
            return cleaned

    return DraftForm


def scheduled_time(value):
    field = forms.DateTimeField(
        required=True,
        error_messages={"required": _("Choose when the changes are to be published.")},
    )
    moment = field.clean(value)
    if moment <= timezone.now():
        raise ValidationError(
            _("Choose a time in the future to schedule the changes, or publish them now."),
            code="past",
        )
    return moment
