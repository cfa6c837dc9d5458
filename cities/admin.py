# Translated models mix in modeltranslation's admin classes: both languages on one form.
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget, RelatedFieldWidgetWrapper
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
)
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from learningcities.admin_mixins import SaveFailureAdminMixin

from .activity import activity_log_view
from .admin_messages import AgreeingMessagesAdmin
from .admin_search import FoldedSearchAdmin, search_everything_view
from .content_forms import CityForm, CriterionForm, PhotoForm, ProgramForm, SiteTextForm
from .drafts_admin import DraftableAdmin
from .edit_conflicts import EditConflictAdmin
from .editing_notices import EditingNoticesAdmin
from .editorial_admin import EditorialHistoryAdmin, PublicationFilter, PublishableAdmin
from .forms import (
    AddWithInitialValues,
    CoverPhotoPicker,
    PhotoImageField,
    PhotoImageWidget,
    thumbnail_html,
)
from .history import field_label
from .models import City, Criterion, LearningCityAward, Photo, Program, ResourceLink, SiteText
from .review_admin import NoPublishingInlineMixin, ReviewableAdmin
from .rich_text import html_to_text
from .rich_text_admin import RichTextAdmin
from .translation_status import TranslationStatusAdmin, missing_translations_view

# Addresses typed without a scheme are taken as https (Django 6's default, set explicitly).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
CHECKBOX_CRITERIA = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
# Every photo upload in the admin goes through the checks and processing of cities.images.
PHOTO_UPLOAD_OVERRIDES = {
    models.ImageField: {"form_class": PhotoImageField, "widget": PhotoImageWidget}
}


class ContentAdmin(
    FoldedSearchAdmin,
    SaveFailureAdminMixin,
    EditingNoticesAdmin,
    EditConflictAdmin,
    AgreeingMessagesAdmin,
    RichTextAdmin,
    EditorialHistoryAdmin,
):
    """What every content admin does: a save that fails keeps what was typed, others with
    the same item open are named, no save undoes another's, rich text is edited in its
    editor, every change is in the history, messages agree with the item's name; its search
    ignores accents and looks in both languages."""

    def changelist_view(self, request, extra_context=None):
        # Lists have their filters beside them: with the navigation too, their columns
        # would not fit a 1280-pixel screen (the breadcrumbs lead back to the index).
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)


class LanguageLabelsMixin:
    """Each language's field is named as the history, the review and the conflict page name
    it, "Tagline (English)", not "Tagline [en]" as django-modeltranslation would."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and getattr(db_field, "language", None):
            formfield.label = field_label(db_field.model, db_field.name)
        return formfield


class TranslatedContentAdmin(
    LanguageLabelsMixin, TranslationStatusAdmin, ContentAdmin, TranslationAdmin
):
    """Content in both languages on one form; its list shows what is not yet translated."""


@admin.display(description=_("photo"))
def thumbnail(photo):
    return thumbnail_html(photo)


# Lists stay narrow enough for a 1280-pixel screen.
LIST_THUMBNAIL_WIDTH = 64


@admin.display(description=_("photo"))
def list_thumbnail(photo):
    return thumbnail_html(photo, LIST_THUMBNAIL_WIDTH)


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


class ProgramOrderMixin:
    """A program's order may be left empty (`ProgramForm`): it is then put last in its city's
    list (`Program.save`), which the field says."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "order":
            kwargs.update(
                initial=None,
                help_text=_("Lower numbers are listed first; leave empty to put it last."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def in_every_language(field):
    """A translated field's columns by name: modeltranslation would put each on its own
    line, and the summary line of an inline row holds them side by side."""
    return [build_localized_fieldname(field, code) for code in AVAILABLE_LANGUAGES]


class CompactInlineMixin:
    """Inline rows show what tells them apart on one line, without the help texts (the
    item's own form has them); the rest is in a fieldset opened on demand. Its fields are
    one per line: Django opens a fieldset with an error only when it finds the field's own
    name in its list."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        summary_line = self.fieldsets[0][1]["fields"][0]
        if formfield is not None and db_field.name in summary_line:
            formfield.help_text = ""
        return formfield


class SummaryBoxMixin:
    """A program's summary (up to 300 characters, one or two sentences) is written in a box
    of four lines as wide as the form's long texts, not on one narrow line."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in in_every_language("summary"):
            kwargs["widget"] = AdminTextareaWidget(
                attrs={"rows": 4, "maxlength": db_field.max_length}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProgramInlineFormSet(BaseInlineFormSet):
    """Rows share what each would otherwise ask the database for, so that a city with many
    programs opens in a fixed number of queries: the criteria to tick, and as successors
    the city's programs, which are loaded for the rows anyway (a successor in another city
    is chosen on the program's own form, where the list searches them all)."""

    @cached_property
    def criteria_choices(self):
        return list(self.form.base_fields["criteria"].choices)

    @cached_property
    def successor_choices(self):
        return [("", "---------"), *((p.pk, str(p)) for p in self.get_queryset())]

    def _construct_form(self, i, **kwargs):
        return self.sharing_choices(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self):
        return self.sharing_choices(super().empty_form)

    def sharing_choices(self, form):
        if "criteria" not in form.fields:  # shown read-only to people who may only view
            return form
        form.fields["criteria"].choices = self.criteria_choices
        successors = self.successor_choices
        current = form.instance.replaced_by if form.instance.replaced_by_id else None
        if current is not None and current.city_id != form.instance.city_id:
            successors = [*successors, (current.pk, str(current))]
        # The select inside the admin's wrapper (with its "+") is what is drawn.
        form.fields["replaced_by"].widget.widget.choices = successors
        return form


class ProgramInline(
    LanguageLabelsMixin,
    NoPublishingInlineMixin,
    CompactInlineMixin,
    SummaryBoxMixin,
    ProgramOrderMixin,
    TranslationStackedInline,
):
    model = Program
    form = ProgramForm
    formset = ProgramInlineFormSet
    extra = 0
    fieldsets = [
        (None, {"fields": [(*in_every_language("name"), "status", "order")]}),
        (
            _("Details"),
            {
                "fields": [
                    "slug",
                    "summary",
                    "criteria",
                    "theme",
                    "is_good_practice",
                    "source_url",
                    "lifecycle",
                    "replaced_by",
                    "published_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {**HTTPS_URLS, **CHECKBOX_CRITERIA}
    show_change_link = True

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("replaced_by").prefetch_related("criteria")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        match = getattr(request, "resolver_match", None)
        city_id = match.kwargs.get("object_id") if match else None
        if (
            db_field.name == "replaced_by"
            and city_id
            and isinstance(formfield.widget, RelatedFieldWidgetWrapper)
        ):
            formfield.widget = AddWithInitialValues(formfield.widget, {"city": city_id})
        return formfield


class PhotoInline(
    LanguageLabelsMixin,
    NoPublishingInlineMixin,
    CompactInlineMixin,
    KeptUploadsMixin,
    TranslationStackedInline,
):
    model = Photo
    form = PhotoForm
    extra = 0
    fieldsets = [
        (None, {"fields": [(thumbnail, *in_every_language("title"), "status", "order")]}),
        (
            _("File and credit"),
            {
                "fields": ["image", "alt_text", "author", "holder", "licence"],
                "classes": ["collapse"],
            },
        ),
    ]
    readonly_fields = [thumbnail]
    formfield_overrides = {**HTTPS_URLS, **PHOTO_UPLOAD_OVERRIDES}
    show_change_link = True


class AwardInline(admin.TabularInline):
    model = LearningCityAward
    extra = 0
    formfield_overrides = HTTPS_URLS
    classes = ["collapse"]


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
class CityAdmin(
    DraftableAdmin,
    ReviewableAdmin,
    UploaderRecordingMixin,
    PublishableAdmin,
    TranslatedContentAdmin,
):
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
    form = CityForm
    inlines = [ProgramInline, PhotoInline, AwardInline]
    formfield_overrides = {
        **HTTPS_URLS,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "cols": 80})},
    }
    fieldsets = [
        (
            None,
            {
                "fields": [
                    (*in_every_language("name"), "slug"),
                    ("status", "published_at", "year_joined"),
                    tuple(in_every_language("tagline")),
                    "narrative",
                ]
            },
        ),
        (_("Cover photo"), {"fields": ["cover_photo"], "classes": ["collapse"]}),
        (
            _("Place"),
            {"fields": ["country", "province", "latitude", "longitude"], "classes": ["collapse"]},
        ),
        (
            _("Facts and links"),
            {
                "fields": [
                    "population",
                    "population_year",
                    "population_source",
                    "website",
                    "uil_profile_url",
                ],
                "classes": ["collapse"],
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
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        css = {"all": ["cities/admin/compact-form.css"]}
        js = ["cities/admin/compact-form.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(models.Count("programs"))

    def get_urls(self):
        return [
            path(
                "missing-translations/",
                self.admin_site.admin_view(self.missing_translations),
                name="cities_missing_translations",
            ),
            *super().get_urls(),
        ]

    def missing_translations(self, request):
        return missing_translations_view(request, self.admin_site)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name != "cover_photo":
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        kwargs.update(widget=CoverPhotoPicker, empty_label=_("No cover photo"))
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Without the admin's add/change links, which work on a select, not on pictures: a
        # photo is added among the city's photos below.
        if isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        return formfield

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "cover_photo" in form.base_fields:  # not for people who may only view
            field = form.base_fields["cover_photo"]
            field.queryset = Photo.objects.cover_choices(obj, request.user)
        return form

    @admin.display(description=_("cover"))
    def cover_thumbnail(self, city):
        return list_thumbnail(city.cover_photo)

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
class ProgramAdmin(
    DraftableAdmin,
    ReviewableAdmin,
    SummaryBoxMixin,
    ProgramOrderMixin,
    PublishableAdmin,
    TranslatedContentAdmin,
):
    list_display = [
        "name",
        "city",
        "theme_column",
        "lifecycle_column",
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
    form = ProgramForm
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

    @admin.display(description=_("policy theme"), ordering="theme")
    def theme_column(self, program):
        """The theme, and whether it is a good practice (a column each would not fit)."""
        if not program.is_good_practice:
            return program.get_theme_display() or "—"
        return format_html(
            "{}<br><strong>{}</strong>", program.get_theme_display() or "—", _("good practice")
        )

    @admin.display(description=_("lifecycle"), ordering="lifecycle")
    def lifecycle_column(self, program):
        if program.replaced_by is None:
            return program.get_lifecycle_display()
        return format_html(
            "{}<br>{}",
            program.get_lifecycle_display(),
            _("by %(program)s") % {"program": program.replaced_by},
        )


@admin.register(Photo)
class PhotoAdmin(
    DraftableAdmin,
    ReviewableAdmin,
    KeptUploadsMixin,
    UploaderRecordingMixin,
    PublishableAdmin,
    TranslatedContentAdmin,
):
    list_display = [
        "title",
        "small_thumbnail",
        "credit_column",
        "city",
        "publication",
        "is_placeholder",
        "uploaded_by",
    ]
    form = PhotoForm
    list_display_links = ["title", "small_thumbnail"]
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

    @admin.display(description=_("photo"))
    def small_thumbnail(self, photo):
        return list_thumbnail(photo)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        photo = self.get_object(request, object_id)
        if photo is not None:
            extra_context = {**(extra_context or {}), "appears_on": self.appears_on(request, photo)}
        return super().change_view(request, object_id, form_url, extra_context)

    def appears_on(self, request, photo):
        """Where the photo is shown: (role, city, admin link or None) for each place."""
        may_open = self.admin_site._registry[City].has_view_or_change_permission(request)
        places = [(_("Cover of"), city) for city in photo.covered_cities.all()]
        if photo.city is not None:
            places.append((_("In the gallery of"), photo.city))
        return [
            {
                "role": role,
                "city": city,
                "url": reverse("admin:cities_city_change", args=[city.pk]) if may_open else None,
            }
            for role, city in places
        ]

    @admin.display(description=_("credit"))
    def credit_column(self, photo):
        # With its licence: a column of its own would not fit at 1280 pixels.
        return format_html("{}<br>{}", photo.credit, photo.get_licence_display())

    @admin.display(description=_("subject"))
    def focal_point_picker(self, photo):
        # Before the first save it shows the file chosen, once chosen (focal-point.js).
        return render_to_string("admin/cities/photo/focal_point_picker.html", {"photo": photo})

    class Media:
        css = {"all": ["cities/admin/focal-point.css"]}
        js = ["cities/admin/focal-point.js"]


@admin.register(Criterion)
class CriterionAdmin(DraftableAdmin, TranslatedContentAdmin):
    form = CriterionForm
    list_display = ["title", "kind", "order"]
    list_editable = ["order"]
    list_filter = ["kind"]
    search_fields = ["title", "statement"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(SiteText)
class SiteTextAdmin(DraftableAdmin, TranslatedContentAdmin):
    form = SiteTextForm
    list_display = ["key", "excerpt", "updated_at"]
    search_fields = ["text"]

    @admin.display(description=_("text"))
    def excerpt(self, site_text):
        return Truncator(html_to_text(site_text.text)).chars(100)


@admin.register(ResourceLink)
class ResourceLinkAdmin(TranslatedContentAdmin):
    list_display = ["title", "url", "order"]
    formfield_overrides = HTTPS_URLS
    list_editable = ["order"]
    search_fields = ["title", "url", "description"]


# Who changed what across all content, for superusers (cities.activity).
admin.site.register_page("activity/", activity_log_view, "activity_log")
# One search over every list, from the dashboard (cities.admin_search).
admin.site.register_page("search/", search_everything_view, "search_everything")
