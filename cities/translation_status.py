"""Which translated texts lack a language: a column and a filter on each translated list,
and one admin page listing every missing translation with a link to fix it.

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
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname


def translated_fields(model):
    return list(translator.get_options_for_model(model).fields)


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
    """Adds the "missing translation" column and filter to a translated model's list."""

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
        sections.append({"opts": opts, "rows": rows})
    sections.sort(key=lambda section: str(section["opts"].verbose_name_plural))
    context = {
        **admin_site.each_context(request),
        "title": _("Missing translations"),
        "sections": sections,
    }
    return TemplateResponse(request, "admin/cities/missing_translations.html", context)
