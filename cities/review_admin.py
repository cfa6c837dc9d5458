"""The review workflow in the admin: what those without the right to publish may do with the
status, the "Submit for review" button, the review column and notice, and the queue where
publishers approve or reject (cities.review holds the rules)."""

import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from learningcities import editorial

from . import draft_comments, drafts, preview_links, review
from .history import readable_content
from .models import City, DraftState, ReviewRequest, ReviewState, Status
from .notifications import draft_comments_path
from .page_weight import page_weight
from .views import preview_page

SUBMIT_BUTTON = "_submit_for_review"


def without_publishing(form_class, user):
    """`form_class` as it is for `user`: for those who may not publish, no "published" status
    to choose, and a posted one refused, unless the item is published already (a change to
    it then keeps it so)."""
    if review.may_publish(user) or "status" not in form_class.base_fields:
        return form_class

    class FormWithoutPublishing(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.initial.get("status") != Status.PUBLISHED:
                field = self.fields["status"]
                field.choices = [c for c in field.choices if c[0] != Status.PUBLISHED]
                field.help_text = _(
                    "Publishing is for publishers: save it as a draft and submit it for review."
                )

        def clean_status(self):
            status = self.cleaned_data["status"]
            if status == Status.PUBLISHED and not is_stored_as_published(self.instance):
                raise ValidationError(
                    _("You may not publish: submit it for review instead."), code="publish_right"
                )
            return status

    return FormWithoutPublishing


def is_stored_as_published(item):
    model = type(item)
    return (
        bool(item.pk)
        and model._default_manager.filter(pk=item.pk, status=Status.PUBLISHED).exists()
    )


class NoPublishingInlineMixin:
    """For inlines that show a status (a city's programs and photos)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = without_publishing(formset.form, request.user)
        return formset


class ReviewableAdmin:
    """For the admins of publishable content (cities, programs, photos)."""

    def get_form(self, request, obj=None, **kwargs):
        return without_publishing(super().get_form(request, obj, **kwargs), request.user)

    def get_queryset(self, request):
        latest = ReviewRequest.objects.of_model(self.model).filter(object_id=OuterRef("pk"))
        latest = latest.order_by("-pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                review_state=Subquery(latest.values("state")[:1]),
                review_comment=Subquery(latest.values("comment")[:1]),
            )
        )

    @admin.display(description=_("publication"), ordering="published_at")
    def publication(self, item):
        """The review under the publication, where the list's eye already is (a column of
        its own would not leave room for the others at 1280 pixels)."""
        shown = super().publication(item)
        if not item.review_state:
            return shown
        label = ReviewState(item.review_state).label
        if item.review_state != ReviewState.REJECTED:
            return format_html('{}<br><span class="review-state">{}</span>', shown, label)
        return format_html(
            '{}<br><span class="review-state">{}</span><br><span class="review-comment">{}</span>',
            shown,
            label,
            Truncator(item.review_comment).chars(120),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            reviews = ReviewRequest.objects.of(obj).select_related("submitted_by", "reviewer")
            context["review_history"] = reviews[:5]
        context["show_submit_for_review"] = not review.may_publish(request.user) and (
            obj is None or obj.status != Status.PUBLISHED
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if SUBMIT_BUTTON not in request.POST:
            return
        try:
            review.submit(form.instance, request.user)
        except review.ReviewError as refusal:
            self.message_user(request, refusal, messages.WARNING)
        else:
            self.message_user(
                request,
                _("“%(item)s” is submitted for review; the publishers are told by mail.")
                % {"item": form.instance},
                messages.SUCCESS,
            )


class ReviewDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Comment for the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject: say what should change."),
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to publish at once on approval; a later time schedules it."),
    )


@admin.register(ReviewRequest)
class ReviewRequestAdmin(admin.ModelAdmin):
    """The queue of submissions, for publishers: each opens the page where it is decided."""

    list_display = [
        "review_link",
        "kind",
        "submitted_by",
        "submitted_at",
        "state",
        "reviewer",
        "decided_at",
    ]
    list_display_links = None
    list_filter = ["state", ("content_type", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["content_type", "submitted_by", "reviewer"]
    date_hierarchy = "submitted_at"

    def has_module_permission(self, request):
        return review.may_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return review.may_publish(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # Opened without a filter, the queue shows what awaits a decision.
        if not request.GET and not request.POST:
            return redirect(f"{request.path}?state__exact={ReviewState.SUBMITTED}")
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("item")

    @admin.display(description=_("item"))
    def review_link(self, review_request):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:cities_reviewrequest_review", args=[review_request.pk]),
            review_request.item or "—",
        )

    @admin.display(description=_("kind"), ordering="content_type")
    def kind(self, review_request):
        return review_request.kind

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="cities_reviewrequest_review",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        """The submitted item, what changed since, and the decision: approve or reject."""
        if not review.may_publish(request.user):
            raise PermissionDenied
        review_request = get_object_or_404(
            ReviewRequest.objects.select_related("content_type"), pk=pk
        )
        item = review_request.item
        if item is None:
            raise Http404(_("The item was deleted since it was submitted."))
        if not review.may_publish(request.user, item):
            raise PermissionDenied
        status = 200
        form = ReviewDecisionForm(
            request.POST or None, initial={"version": review.reviewed_version(review_request, item)}
        )
        if request.method == "POST" and form.is_valid():
            try:
                self.decide(request, review_request, form.cleaned_data)
            except review.ItemChanged as refusal:
                # The newer version is shown, and approving again approves that one.
                status = 409
                self.message_user(request, refusal, messages.ERROR)
                item.refresh_from_db()
                review_request.refresh_from_db()
                form = ReviewDecisionForm(
                    initial={
                        **form.cleaned_data,
                        "version": review.reviewed_version(review_request, item),
                    }
                )
            except review.ReviewError as refusal:
                status = 409
                self.message_user(request, refusal, messages.ERROR)
            else:
                return redirect("admin:cities_reviewrequest_changelist")
            review_request.refresh_from_db()
        draft = review_request.draft
        submitted = review_request.draft_revision if draft else review_request.version_id
        if draft is not None and draft.state == DraftState.OPEN:
            draft_context = {
                "draft": draft,
                "draft_changes": drafts.draft_changes(item, draft, request.user),
                "preview_url": draft.get_absolute_url(),
                "preview_comments": preview_links.comments_on(draft),
                "draft_comments": draft_comments.open_comments(draft),
                "comments_url": draft_comments_path(draft),
                "page_weight": weight_once_published(request, draft),
            }
        else:
            # A new item: all of it is what is approved, field by field, as its form has it.
            fields = editorial.registration(type(item)).content.form._meta.fields
            draft_context = {
                "preview_url": preview_url(item),
                "item_content": readable_content(item, fields),
            }
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review “%(item)s”") % {"item": item},
            "opts": self.model._meta,
            "review": review_request,
            "item": item,
            "item_opts": item._meta,
            "form": form,
            "changed_since_submitted": review.reviewed_version(review_request, item) != submitted,
            **draft_context,
        }
        return TemplateResponse(request, "admin/cities/review.html", context, status=status)

    def decide(self, request, review_request, data):
        if "_reject" in request.POST:
            review.reject(review_request.pk, request.user, data["comment"])
            done = _("“%(item)s” is rejected; its author is told by mail.")
        elif "_approve" in request.POST:
            review.approve(review_request.pk, request.user, data["version"], data["publish_at"])
            done = _("“%(item)s” is approved and published.")
        else:
            raise review.ReviewError(_("Choose approve or reject."))
        self.message_user(request, done % {"item": review_request.item}, messages.SUCCESS)


def weight_once_published(request, draft):
    """What the draft's public page will weigh (cities.page_weight), measured on its preview
    as the publisher sees it from the draft's address, in the language it was typed in; None
    if the changes cannot be applied (the review page lists them all the same)."""
    page_request = copy.copy(request)
    page_request.method = "GET"  # the page as opened, whether the review page was posted
    try:
        with translation.override(draft.language):
            return page_weight(preview_page(page_request, draft, request.user).content)
    except drafts.DraftNotApplicable:
        return None


def preview_url(item):
    """Where a publisher sees a city as the public will (the preview leaves a city's draft
    programs and photos out, so for those the review page and their form show them)."""
    if isinstance(item, City):
        return reverse("cities:preview", kwargs={"slug": item.slug})
    return None
