"""Which translated texts lack a language: a column and a filter on each translated list,
and one admin page listing every missing translation with a link to fix it; and which may be
out of date (cities.stale_translations): marked on the form, with "still right" to confirm
them, and listed on the same page.

A translation is missing when a translated field has text in one language and none in
another; a field empty in every language is simply not filled in (the form says what is
required).
"""

import operator
from functools import reduce

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from learningcities.editorial.versions import versions_of

from .editorial_admin import SHOWN_AROUND
from .rendered_diff import marked_changes
from .rich_text import html_to_text
from .stale_translations import (
    confirm,
    items_with_stale_translations,
    outdated_ids,
    stale_translations,
    translated_fields,
)

# The check box beside a text possibly out of date, posted with the form.
STILL_RIGHT_FIELD = "_still_right"


def language_name(code):
    return dict(settings.LANGUAGES)[code]


def _empty(field, code):
    column = build_localized_fieldname(field, code)
    return Q(**{f"{column}__isnull": True}) | Q(**{column: ""})


def missing_in(model, code):
    """Rows with a translated field that has text in another language and none in `code`."""
    return reduce(
        operator.or_,
        (
            _empty(field, code) & ~_empty(field, other)
            for field in translated_fields(model)
            for other in AVAILABLE_LANGUAGES
            if other != code
        ),
    )


def missing_anywhere(model):
    return reduce(operator.or_, (missing_in(model, code) for code in AVAILABLE_LANGUAGES))


def missing_translations(obj):
    """(field, language code) of each text of `obj` missing in one language."""
    missing = []
    for field in translated_fields(type(obj)):
        texts = {
            code: getattr(obj, build_localized_fieldname(field, code))
            for code in AVAILABLE_LANGUAGES
        }
        if any(texts.values()):
            missing += [(field, code) for code, text in texts.items() if not text]
    return missing


def stale_note(obj, field, column, staleness):
    """Under a text possibly out of date: which language changed since, when and by whom,
    what changed in it, and a box to confirm the text as still right."""
    changed = changed_words(obj, build_localized_fieldname(field, staleness.source), staleness)
    return format_html(
        '<span class="stale-translation" role="note">{}{}'
        '<label><input type="checkbox" name="{}" value="{}"> {}</label></span>',
        _(
            "May be out of date: the %(language)s text was changed on %(date)s by %(person)s, "
            "after this one was written."
        )
        % {
            "language": language_name(staleness.source),
            "date": date_format(timezone.localtime(staleness.changed_at), "DATETIME_FORMAT"),
            "person": staleness.changed_by or _("someone"),
        },
        changed,
        STILL_RIGHT_FIELD,
        column,
        _("Still right as it is (saved with the form)"),
    )


def changed_words(obj, column, staleness):
    """What the change of `column` (the other language) was, its words marked: the stored
    versions just before and at `staleness.changed_at` (not the form's values, which may be a
    draft's)."""
    versions = versions_of(type(obj), obj.pk)
    before = (
        versions.filter(history_date__lt=staleness.changed_at)
        .order_by("-history_date")
        .values_list(column, flat=True)
        .first()
    )
    after = (
        versions.filter(history_date__gte=staleness.changed_at)
        .order_by("history_date")
        .values_list(column, flat=True)
        .first()
    )
    if before is None or after is None:
        return ""
    change = marked_changes(
        html_to_text(before or ""), html_to_text(after or ""), context=SHOWN_AROUND
    )
    return format_html(
        '<span class="stale-translation__change">{} → {}</span>', change["old"], change["new"]
    )


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("missing translation")
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return [(code, language_name(code)) for code in AVAILABLE_LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in AVAILABLE_LANGUAGES:
            return queryset.filter(missing_in(queryset.model, self.value()))
        return queryset


class TranslationStatusAdmin:
    """Adds the "missing translation" column and filter to a translated model's list, and
    marks the texts of its form that may be out of date."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Marked on the form shown (its own fields), whichever form class the other mixins
        # made of it.
        form = context["adminform"].form
        if change and obj is not None and self.has_change_permission(request, obj):
            for (field, code), staleness in stale_translations([obj]).get(obj, {}).items():
                column = build_localized_fieldname(field, code)
                if column in form.fields:
                    # On the bound field, which keeps its own copy once made (a form showing
                    # a draft has made them already).
                    bound = form[column]
                    bound.help_text = format_html(
                        "{}{}", bound.help_text, stale_note(obj, field, column, staleness)
                    )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        # The form was accepted (saved, or kept as a draft): the texts its editor confirmed
        # are stamped as still right.
        languages = set(AVAILABLE_LANGUAGES)
        confirmed = [
            (field, code)
            for field in translated_fields(type(obj))
            for code in languages
            if build_localized_fieldname(field, code) in request.POST.getlist(STILL_RIGHT_FIELD)
        ]
        if confirmed:
            confirm(obj, confirmed, request.user)
        return super().response_change(request, obj)

    def get_list_display(self, request):
        return [*super().get_list_display(request), "missing_translation_column"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingTranslationFilter]

    @admin.display(description=_("missing translation"))
    def missing_translation_column(self, obj):
        by_language = {}
        for field, code in missing_translations(obj):
            label = obj._meta.get_field(field).verbose_name
            by_language.setdefault(code, []).append(str(label))
        return (
            "; ".join(
                f"{language_name(code)}: {', '.join(labels)}"
                for code, labels in by_language.items()
            )
            or "—"
        )


def translated_admins(admin_site):
    """The admins of translated models, those with the "missing translation" column."""
    return [
        model_admin
        for model_admin in admin_site._registry.values()
        if isinstance(model_admin, TranslationStatusAdmin)
    ]


def lacking_translation(request, model_admin):
    """The items of `model_admin`'s list, as the user sees it, that lack a translation."""
    return model_admin.get_queryset(request).filter(missing_anywhere(model_admin.model))


def needing_translation(request, model_admin):
    """The items of `model_admin`'s list, as the user sees it, that lack a translation or
    have one possibly out of date (one query)."""
    model = model_admin.model
    return model_admin.get_queryset(request).filter(
        missing_anywhere(model) | Q(pk__in=outdated_ids(model))
    )


def missing_translations_view(request, admin_site):
    """Every missing translation the user may fix, per model, field and language."""
    sections = []
    for model_admin in translated_admins(admin_site):
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model_admin.model._meta
        rows = [
            {
                "object": obj,
                "field": opts.get_field(field).verbose_name,
                "language": language_name(code),
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                + f"#id_{build_localized_fieldname(field, code)}",
            }
            for obj in lacking_translation(request, model_admin)
            for field, code in missing_translations(obj)
        ]
        stale = [
            {
                "object": obj,
                "field": opts.get_field(field).verbose_name,
                "language": language_name(code),
                "source": language_name(staleness.source),
                "changed_at": staleness.changed_at,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                + f"#id_{build_localized_fieldname(field, code)}",
            }
            for obj in items_with_stale_translations(model_admin.get_queryset(request))
            for (field, code), staleness in obj.stale_translations.items()
        ]
        sections.append({"opts": opts, "rows": rows, "stale": stale})
    sections.sort(key=lambda section: str(section["opts"].verbose_name_plural))
    context = {
        **admin_site.each_context(request),
        "title": _("Missing translations"),
        "sections": sections,
    }
    return TemplateResponse(request, "admin/cities/missing_translations.html", context)
