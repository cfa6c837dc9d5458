"""Template helpers of the public site: language links and translation notes."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in every language: (code, name in that language, absolute URL, current)."""
    request = context["request"]
    current = get_language()
    path = request.get_full_path()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = request.build_absolute_uri(translate_url(path, code))
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def negotiated_url(context):
    """This page without its language prefix: it redirects by the browser's language."""
    request = context["request"]
    path = request.get_full_path()
    prefix = f"/{get_language()}/"
    if path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    return request.build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's address without its query string (filters and searches are not indexed),
    except the page number of a list: each page of a list is a page of its own."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        url += f"?page={page.number}"
    return url


@register.filter
def fallback_language(obj, field):
    """The language a translated field is shown in when the visitor's lacks it, else "".

    modeltranslation falls back to the other language by itself; this tells the template
    to say so and to mark the text with its real `lang`.
    """
    current = get_language()
    if getattr(obj, build_localized_fieldname(field, current), None):
        return ""
    for code, _name in settings.LANGUAGES:
        if code != current and getattr(obj, build_localized_fieldname(field, code), None):
            return code
    return ""


@register.filter
def lang_attribute(obj, field):
    """` lang="xx"` for the element showing a translated field in the other language, else "".

    For short texts (names, titles) that get no note: their language is still marked, so that
    screen readers pronounce them right.
    """
    language = fallback_language(obj, field)
    return format_html(' lang="{}"', language) if language else ""
