"""Content fields translated with django-modeltranslation: one column per language.

Reading `city.name` gives the active language's text, or the other language's when it
is missing (see MODELTRANSLATION_FALLBACK_LANGUAGES); the `translated` tag and the
`lang_attribute` filter (cities/templatetags/public.py) mark the text when that happened.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import City, Criterion, Photo, Program, ResourceLink, SiteText


@register(City)
class CityTranslationOptions(TranslationOptions):
    fields = (
        "name",
        "tagline",
        "narrative",
        "vision",
        "focal_point_role",
        "focal_point_institution",
    )


@register(Program)
class ProgramTranslationOptions(TranslationOptions):
    fields = ("name", "summary", "description")


@register(Criterion)
class CriterionTranslationOptions(TranslationOptions):
    fields = ("title", "statement")


@register(Photo)
class PhotoTranslationOptions(TranslationOptions):
    fields = ("title", "alt_text")


@register(SiteText)
class SiteTextTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(ResourceLink)
class ResourceLinkTranslationOptions(TranslationOptions):
    fields = ("title", "description")
