# Translated models mix in modeltranslation's admin classes: both languages on one form.
from django import forms
from django.contrib import admin
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
)

from learningcities.admin_mixins import SaveFailureAdminMixin

from .edit_conflicts import EditConflictAdmin
from .editing_notices import EditingNoticesAdmin
from .editorial_admin import EditorialHistoryAdmin, PublicationFilter, PublishableAdmin
from .forms import PhotoImageField, PhotoImageWidget
from .models import City, Criterion, LearningCityAward, Photo, Program, ResourceLink, SiteText

THUMBNAIL_WIDTH = 96
# Addresses typed without a scheme are taken as https (Django 6's default, set explicitly).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
CHECKBOX_CRITERIA = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
# Every photo upload in the admin goes through the checks and processing of cities.images.
PHOTO_UPLOAD_OVERRIDES = {
    models.ImageField: {"form_class": PhotoImageField, "widget": PhotoImageWidget}
}


class ContentAdmin(
    SaveFailureAdminMixin, EditingNoticesAdmin, EditConflictAdmin, EditorialHistoryAdmin
):
    """What every content admin does: a save that fails keeps what was typed, others with
    the same item open are named, no save undoes another's, every change is in the history."""


@admin.display(description=_("photo"))
def thumbnail(photo):
    if not photo or not photo.image:
        return "—"
    height = round(THUMBNAIL_WIDTH * photo.height / photo.width) if photo.width else None
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}">',
        photo.picture.smallest_src,
        THUMBNAIL_WIDTH,
        height or THUMBNAIL_WIDTH,
        photo.alt_text,
    )


class UploaderRecordingMixin:
    """Records who uploaded a photo, whether through its own form or a city's inline."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Photo) and obj.uploaded_by_id is None:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for photo in formset.save(commit=False):
            if isinstance(photo, Photo) and photo.uploaded_by_id is None:
                photo.uploaded_by = request.user
            photo.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()


class KeptUploadsMixin:
    """Tells photo upload fields who uploads, so that a photo on a page refused for another
    field is kept for that person alone (cities.kept_uploads)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.ImageField) and request is not None:
            kwargs["user"] = request.user
            # Nothing more is written after a failed save (SaveFailureAdminMixin): the storage
            # may be what failed.
            kwargs["keeps_uploads"] = not getattr(request, "save_failure", None)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProgramInline(TranslationStackedInline):
    model = Program
    extra = 0
    fields = [
        ("name", "slug"),
        "summary",
        "criteria",
        ("theme", "is_good_practice"),
        "source_url",
        ("lifecycle", "replaced_by"),
        ("status", "published_at", "order"),
    ]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["replaced_by"]
    formfield_overrides = {**HTTPS_URLS, **CHECKBOX_CRITERIA}
    show_change_link = True


class PhotoInline(KeptUploadsMixin, TranslationStackedInline):
    # Stacked: with both languages' title and alt text a table would run off the screen.
    model = Photo
    extra = 0
    fields = [thumbnail, "image", "title", "alt_text", ("author", "holder"), ("licence", "status")]
    readonly_fields = [thumbnail]
    formfield_overrides = {**HTTPS_URLS, **PHOTO_UPLOAD_OVERRIDES}
    show_change_link = True


class AwardInline(admin.TabularInline):
    model = LearningCityAward
    extra = 0
    formfield_overrides = HTTPS_URLS


@admin.register(LearningCityAward)
class LearningCityAwardAdmin(ContentAdmin):
    """Awards are edited inline on their city; this admin gives them history and undo."""

    list_display = ["city", "year", "source_url"]
    list_filter = ["year"]
    list_select_related = ["city"]
    search_fields = ["city__name"]
    autocomplete_fields = ["city"]
    formfield_overrides = HTTPS_URLS


@admin.register(City)
class CityAdmin(UploaderRecordingMixin, PublishableAdmin, ContentAdmin, TranslationAdmin):
    list_display = [
        "name",
        "cover_thumbnail",
        "year_joined",
        "province",
        "program_count",
        "publication_and_preview",
        "updated_at",
    ]
    list_display_links = ["name", "cover_thumbnail"]
    list_filter = [PublicationFilter, "year_joined", "province"]
    list_select_related = ["cover_photo"]
    search_fields = ["name", "province", "tagline", "narrative", "mayor", "vision"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["cover_photo"]
    inlines = [ProgramInline, PhotoInline, AwardInline]
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "slug"),
                    ("status", "published_at"),
                    "year_joined",
                    "tagline",
                    "narrative",
                ]
            },
        ),
        (_("Cover"), {"fields": ["cover_photo"]}),
        (_("Place"), {"fields": [("country", "province"), ("latitude", "longitude")]}),
        (
            _("Facts and links"),
            {
                "fields": [
                    ("population", "population_year"),
                    "population_source",
                    "website",
                    "uil_profile_url",
                ]
            },
        ),
        (
            _("UNESCO profile"),
            {
                "fields": [
                    ("mayor", "mayor_since"),
                    "mayor_source_url",
                    "focal_point_name",
                    "focal_point_role",
                    "focal_point_institution",
                    "vision",
                    "profile_source_url",
                ],
                "description": _(
                    "As on the city's member profile at UNESCO. Every fact needs its source: "
                    "the page it was read on."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(models.Count("programs"))

    @admin.display(description=_("cover"))
    def cover_thumbnail(self, city):
        return thumbnail(city.cover_photo)

    @admin.display(description=_("programs"), ordering="programs__count")
    def program_count(self, city):
        return city.programs__count

    @admin.display(description=_("publication"), ordering="published_at")
    def publication_and_preview(self, city):
        if city.is_published:
            url, label = city.get_absolute_url(), _("View on site")
        else:
            url, label = reverse("cities:preview", kwargs={"slug": city.slug}), _("Preview")
        return format_html('{}<br><a href="{}">{}</a>', self.publication(city), url, label)


@admin.register(Program)
class ProgramAdmin(PublishableAdmin, ContentAdmin, TranslationAdmin):
    list_display = [
        "name",
        "city",
        "theme",
        "is_good_practice",
        "lifecycle",
        "replaced_by",
        "publication",
        "order",
    ]
    list_editable = ["order"]
    list_filter = [PublicationFilter, "theme", "is_good_practice", "lifecycle", "criteria", "city"]
    list_select_related = ["city", "replaced_by"]
    search_fields = ["name", "summary", "description", "city__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["city", "replaced_by"]
    formfield_overrides = {**HTTPS_URLS, **CHECKBOX_CRITERIA}
    fields = [
        "city",
        ("name", "slug"),
        ("status", "published_at"),
        "summary",
        "description",
        "criteria",
        ("theme", "is_good_practice"),
        ("lifecycle", "replaced_by"),
        ("start_year", "order"),
        "website",
        "source_url",
    ]


@admin.register(Photo)
class PhotoAdmin(
    KeptUploadsMixin, UploaderRecordingMixin, PublishableAdmin, ContentAdmin, TranslationAdmin
):
    list_display = [
        "title",
        "photo_thumbnail",
        "credit_column",
        "licence",
        "city",
        "publication",
        "is_placeholder",
        "uploaded_by",
    ]
    list_display_links = ["title", "photo_thumbnail"]
    list_filter = [
        PublicationFilter,
        "licence",
        "city",
        "is_placeholder",
        "author_unknown",
    ]
    list_select_related = ["city", "uploaded_by"]
    search_fields = ["title", "alt_text", "author", "holder", "reference", "city__name"]
    # A plain select, not autocomplete: uploaders may not open the city admin it asks.
    readonly_fields = [
        "photo_thumbnail",
        "focal_point_picker",
        "width",
        "height",
        "uploaded_by",
        "uploaded_at",
    ]
    formfield_overrides = {**HTTPS_URLS, **PHOTO_UPLOAD_OVERRIDES}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "image",
                    "photo_thumbnail",
                    "title",
                    "alt_text",
                    "city",
                    ("status", "published_at"),
                ]
            },
        ),
        (
            _("Credit"),
            {
                "fields": [
                    ("author", "holder"),
                    "author_unknown",
                    "licence",
                    "source_url",
                    "reference",
                ]
            },
        ),
        (
            _("Focal point"),
            {
                "fields": ["focal_point_picker", ("focal_x", "focal_y")],
                "description": _(
                    "Cards crop photos to fit; the focal point stays in view. Click the subject "
                    "in the picture, or type the percentages."
                ),
            },
        ),
        (
            _("Details"),
            {
                "fields": [
                    "order",
                    "is_placeholder",
                    ("width", "height"),
                    ("uploaded_by", "uploaded_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, photo):
        return thumbnail(photo)

    @admin.display(description=_("credit"))
    def credit_column(self, photo):
        return photo.credit

    @admin.display(description=_("subject"))
    def focal_point_picker(self, photo):
        if not photo.image:
            return _("Save the photo first; then click its subject here.")
        return render_to_string("admin/cities/photo/focal_point_picker.html", {"photo": photo})

    class Media:
        css = {"all": ["cities/admin/focal-point.css"]}
        js = ["cities/admin/focal-point.js"]


@admin.register(Criterion)
class CriterionAdmin(ContentAdmin, TranslationAdmin):
    list_display = ["title", "kind", "order"]
    list_editable = ["order"]
    list_filter = ["kind"]
    search_fields = ["title", "statement"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(SiteText)
class SiteTextAdmin(ContentAdmin, TranslationAdmin):
    list_display = ["key", "excerpt", "updated_at"]
    search_fields = ["text"]

    @admin.display(description=_("text"))
    def excerpt(self, site_text):
        return Truncator(site_text.text).chars(100)


@admin.register(ResourceLink)
class ResourceLinkAdmin(ContentAdmin, TranslationAdmin):
    list_display = ["title", "url", "order"]
    formfield_overrides = HTTPS_URLS
    list_editable = ["order"]
    search_fields = ["title", "url", "description"]
