"""Template helpers of the public site: language links, translation notes and photos."""

import re
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, gettext
from modeltranslation.utils import build_localized_fieldname

from cities.rich_text import RichTextField, as_sentence, only_paragraph, sanitize
from cities.seo import absolute_url

register = template.Library()


def page_path(request, query=True):
    """The path of the page shown (with its query string when `query`), for the page's links
    (canonical, languages). An address that matched none of the site's (a 404) is never
    written back: its links lead to the home page instead, whatever was asked for."""
    if request.resolver_match is None:
        return reverse("cities:overview")
    return request.get_full_path() if query else request.path


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in every language: (code, name in that language, absolute URL, current)."""
    request = context["request"]
    current = get_language()
    path = page_path(request)
    versions = []
    for code, _name in settings.LANGUAGES:
        url = absolute_url(request, translate_url(path, code))
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
    path = page_path(request)
    prefix = f"/{get_language()}/"
    if path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    return absolute_url(request, path)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's address without its query string (filters and searches are not indexed),
    except the page number of a list: each page of a list is a page of its own."""
    request = context["request"]
    url = absolute_url(request, page_path(request, query=False))
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        url += f"?page={page.number}"
    return url


def fallback_language(obj, field):
    """The language a translated field is shown in when the visitor's lacks it, else "".

    modeltranslation falls back to the other language by itself; this tells `translated`
    and `lang_attribute` to say so and to mark the text with its real `lang`.
    """
    current = get_language()
    if getattr(obj, build_localized_fieldname(field, current), None):
        return ""
    for code, _name in settings.LANGUAGES:
        if code != current and getattr(obj, build_localized_fieldname(field, code), None):
            return code
    return ""


def translation_note(language):
    """Says that the text that follows is shown in `language` (a code); nothing when empty."""
    if not language:
        return ""
    return format_html(
        '<p class="translation-note">{}</p>',
        gettext("Not yet available in your language: shown in %(language)s.")
        % {"language": get_language_info(language)["name_translated"]},
    )


def stale_note(obj, field):
    """Says that the text that follows may be out of date: its other language changed since
    it was written (cities.stale_translations; set by the view as `stale_translations`)."""
    staleness = getattr(obj, "stale_translations", {}).get((field, get_language()))
    if staleness is None:
        return ""
    return format_html(
        '<p class="translation-note translation-note--stale">{}</p>',
        gettext(
            "The %(language)s text was changed after this translation was written: it may be "
            "out of date."
        )
        % {"language": get_language_info(staleness.source)["name_translated"]},
    )


@register.simple_tag
def translated(
    obj,
    field,
    css_class="",
    block=False,
    sentence=False,
    prefix="",
    note=True,
    shared_note_with="",
):
    """A translated text, marked with its `lang` and preceded by a note when it is shown in
    the other language; nothing but the note when the text is empty.

    Plain text is shown in a <p>. Rich text (cities.rich_text) is shown as its HTML, sanitized
    once more: in a <div> when `block` is asked for or it has more than one paragraph, else
    in the <p> of its one paragraph. `prefix` goes before the text; `sentence` gives it a
    capital and a full stop (in rich text: its first paragraph). Two texts shown together
    share one note: the first names the second in `shared_note_with`, the second says
    `note=False`.
    """
    language = fallback_language(obj, field)
    shown = ""
    text = getattr(obj, field)
    if text:
        lang = format_html(' lang="{}"', language) if language else ""
        css = format_html(' class="{}"', css_class) if css_class else ""
        if isinstance(obj._meta.get_field(field), RichTextField):
            html = as_sentence(sanitize(text), prefix, sentence)
            paragraph = None if block else only_paragraph(html)
            if paragraph is None:
                shown = format_html("<div{}{}>{}</div>", css, lang, mark_safe(html))
            else:
                shown = format_html("<p{}{}>{}</p>", css, lang, mark_safe(paragraph))
        else:
            if prefix:
                text = f"{prefix} {text}"
            if sentence:
                text = capfirst(text) + "."
            shown = format_html("<p{}{}>{}</p>", css, lang, text)
    if not note:
        return shown
    if shared_note_with:
        language = language or fallback_language(obj, shared_note_with)
    return format_html("{}{}", translation_note(language) or stale_note(obj, field), shown)


@register.filter
def site_name(url):
    """The host of an address without "www.": a source link names the site it leads to."""
    return (urlsplit(url).hostname or url).removeprefix("www.")


@register.filter
def lang_attribute(obj, field):
    """` lang="xx"` for the element showing a translated field in the other language, else "".

    For short texts (names, titles) that get no note: their language is still marked, so that
    screen readers pronounce them right.
    """
    language = fallback_language(obj, field)
    return format_html(' lang="{}"', language) if language else ""


@register.simple_tag
def program_links(programs, city_url):
    """A list of links to `programs`, entries of the city page at `city_url`.

    Rendered here, with the city's address worked out once: the criteria matrix shows
    hundreds of links, and rendering each through the template engine with its own address
    lookup dominated the page's rendering time.
    """
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            '<li><a href="{}"{}>{}</a></li>',
            (
                (program.url_on_city_page(city_url), lang_attribute(program, "name"), program.name)
                for program in programs
            ),
        ),
    )


@register.simple_tag
def matrix_label(criterion, number):
    """The criterion a cell of the matrix stands for, shown only where the table is stacked
    into one card per city (phones), which have no column headings in view."""
    return format_html(
        '<span class="matrix__label"{}>{}. {}</span>',
        lang_attribute(criterion, "title"),
        number,
        criterion.title,
    )


@register.simple_tag
def program_entry(program, successor, criteria, heading, matrix_url):
    """A program on its city's page: name, lifecycle (or its successor), texts, the criteria
    it serves (links to the matrix at `matrix_url`) and its source; `heading` is the name's
    element.

    Rendered here rather than in the template: the page repeats it for every program, and
    the template engine's cost per node was most of the page's rendering time.
    """
    if successor:
        lifecycle = mark_safe(
            gettext('Replaced by <a href="%(url)s">%(successor)s</a>')
            % {
                "url": conditional_escape(successor.get_absolute_url()),
                "successor": conditional_escape(successor.name),
            }
        )
    else:
        lifecycle = capfirst(program.get_lifecycle_display())
        if program.start_year:
            lifecycle = format_html(
                "{} · {}", lifecycle, gettext("since %(year)s") % {"year": program.start_year}
            )
    if not program.is_published:
        lifecycle = format_html(
            "{} · <strong>{}</strong>", lifecycle, program.publication_state.label
        )
    name = (
        format_html('<a href="{}" rel="noopener">{}</a>', program.website, program.name)
        if program.website
        else program.name
    )
    return format_html(
        '<li class="program" id="program-{}">{}<{} class="program__name"{}>{}</{}>{}'
        '<p class="program__lifecycle lifecycle lifecycle--{}">{}</p>{}{}{}{}</li>',
        program.slug,
        # Links shared with a slug the program had before land here too.
        format_html_join(
            "", '<span id="program-{}"></span>', ((slug,) for slug in program.former_slugs)
        ),
        heading,
        lang_attribute(program, "name"),
        name,
        heading,
        format_html('<p class="good-practice">{}</p>', gettext("Good practice"))
        if program.is_good_practice
        else "",
        program.lifecycle,
        lifecycle,
        translated(program, "summary", shared_note_with="description"),
        translated(program, "description", css_class="prose", block=True, note=False),
        criteria_tags(criteria, matrix_url) if criteria else "",
        format_html(
            '<p class="source">{} <a href="{}" rel="noopener">{}</a></p>',
            gettext("Source:"),
            program.source_url,
            site_name(program.source_url),
        )
        if program.source_url
        else "",
    )


def criteria_tags(criteria, matrix_url):
    """Links to the criteria a program serves, on the criteria matrix at `matrix_url`."""
    return format_html(
        '<p class="visually-hidden">{}</p><ul class="tags" aria-label="{}">{}</ul>',
        gettext("Criteria served:"),
        gettext("Criteria served"),
        format_html_join(
            "",
            '<li class="tag"><a href="{}"{}>{}</a></li>',
            (
                (
                    criterion.url_on_matrix(matrix_url),
                    lang_attribute(criterion, "title"),
                    criterion.title,
                )
                for criterion in criteria
            ),
        ),
    )


# Photos are rendered here rather than by included templates: they appear on every card of
# every list, where the template engine's per-include cost adds up.


@register.simple_tag
def picture(photo, sizes="100vw", eager=False):
    """A responsive photo: modern sources, a JPEG fallback, its size (no layout shift).

    `eager` marks the page's main image: fetched first and never lazy.
    """
    files = photo.picture
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((source.type, source.srcset, sizes) for source in files.sources),
    )
    srcset = format_html(' srcset="{}" sizes="{}"', files.srcset, sizes) if files.srcset else ""
    loading = mark_safe(' fetchpriority="high"' if eager else ' loading="lazy"')
    return format_html(
        '<picture>{}<img src="{}"{} width="{}" height="{}" alt="{}"{} class="{}"{}'
        ' decoding="async"></picture>',
        sources,
        files.src,
        srcset,
        photo.width,
        photo.height,
        photo.alt_text,
        lang_attribute(photo, "alt_text"),
        photo.focal_point_class,
        loading,
    )


@register.simple_tag
def photo_credit(photo):
    """Who made the photo and under which licence, each linked to its source when known."""
    return format_html(
        '<span class="credit">{} {} · {}{}</span>',
        gettext("Photo:"),
        _link(photo.credit, photo.source_url, "noopener"),
        _link(photo.get_licence_display(), photo.licence_url, "license noopener"),
        format_html(' <span class="credit__ref">({})</span>', breakable(photo.reference))
        if photo.reference
        else "",
    )


_REFERENCE_PARTS = re.compile(r"(?<=[_\-./])")


@register.filter
def breakable(text):
    """Text holding a file reference (LOJA_Daniel_Morejon_Ministerio_01) that a narrow column
    may break after its underscores, hyphens, dots and slashes, never inside one of its words."""
    return mark_safe("<wbr>".join(escape(part) for part in _REFERENCE_PARTS.split(text)))


@register.simple_tag
def photo_figure(photo, sizes="100vw", eager=False, show_title=False, opens_large=False):
    """A photo with its visible credit, and its title when `show_title`; `opens_large` makes
    the picture a link to its largest rendition (a plain link: no script needed)."""
    title = (
        format_html(
            '<span class="photo__title"{}>{}</span>', lang_attribute(photo, "title"), photo.title
        )
        if show_title
        else ""
    )
    shown = picture(photo, sizes, eager)
    if opens_large:
        shown = format_html(
            '<a class="photo__open" href="{}">{}<span class="visually-hidden"> ({})</span></a>',
            photo.picture.largest_src,
            shown,
            gettext("opens the large photo"),
        )
    return format_html(
        '<figure class="photo" id="photo-{}">{}<figcaption class="photo__caption">{}{}'
        "</figcaption></figure>",
        photo.pk,
        shown,
        title,
        photo_credit(photo),
    )


def _link(text, url, rel):
    return format_html('<a href="{}" rel="{}">{}</a>', url, rel, text) if url else text
