"""Admin search that ignores accents and case, looks in every language and finds word forms.

Django's admin search compares the typed words with the columns as written and, for a
translated field, with the active language's column only: "Bajale" missed "Bájale" and an
English title was never found from the Spanish admin. Here each searched field stands for
all its language columns, and both sides are folded the way the public search folds them
(`cities.search.fold`): on PostgreSQL with `unaccent` (the immutable wrapper of migration
0008), on SQLite with that same Python function registered on each connection.

A rich-text column is searched in the text its readers see, not its HTML: "strong" or "href"
found every city whose narrative had bold text or a link. Its tags count as spaces and its
entities as their characters, in SQL on PostgreSQL and with `markup_as_spaces` on SQLite.

A typed word also finds the other forms of its word, as the public search does: "adultos
mayores" finds "Personas Adultas Mayores" by their Spanish or English stems. Each process keeps
an index of the words of every row a list searches (`word_index`, the public search's
`WordIndex` over all rows, drafts included), made again when the content version changes.
"""

import operator
import re
from dataclasses import dataclass
from functools import reduce
from urllib.parse import urlencode

from django.contrib.admin.utils import lookup_spawns_duplicates, quote
from django.db.models import F, Func, Q, TextField
from django.db.models.lookups import Contains
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from .notifications import editing_path
from .rich_text import RichTextField, markup_as_spaces
from .search import MAX_QUERY_LENGTH, WORD, WordIndex, content_version, field_owner, fold

SQLITE_FOLD_FUNCTION = "lc_fold"
SQLITE_FOLD_TEXT_FUNCTION = "lc_fold_text"
# What sanitized HTML holds besides text (cities.rich_text): tags, whose attributes escape
# "<" and ">", and in the text only these four entities (nh3 writes every other character
# as itself). "&amp;" goes last, so that "&amp;lt;" stays the text "&lt;".
ENTITIES = {"&lt;": "<", "&gt;": ">", "&nbsp;": " ", "&amp;": "&"}
_SPACES = re.compile(r"\s+")


class Folded(Func):
    """A text column in lower case without accents."""

    function = SQLITE_FOLD_FUNCTION
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="LOWER(immutable_unaccent(%(expressions)s::text))",
            **extra_context,
        )


class FoldedText(Folded):
    """A rich-text column's visible text, folded, with one space between its words (so
    that a quoted "older adults" finds "older <strong>adults</strong>")."""

    function = SQLITE_FOLD_TEXT_FUNCTION

    def as_postgresql(self, compiler, connection, **extra_context):
        text = "regexp_replace(%(expressions)s::text, '<[^>]*>', ' ', 'g')"
        for entity, character in ENTITIES.items():
            text = f"replace({text}, '{entity}', '{character}')"
        text = f"regexp_replace({text}, '[[:space:]]+', ' ', 'g')"
        return self.as_sql(
            compiler,
            connection,
            template=f"LOWER(immutable_unaccent({text}))",
            **extra_context,
        )


def visible_text(html):
    """What `FoldedText` makes of sanitized HTML on PostgreSQL, before folding."""
    return _SPACES.sub(" ", markup_as_spaces(html))


def register_sqlite_fold(sender, connection, **kwargs):
    """Gives each SQLite connection the folds that PostgreSQL does with unaccent."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FOLD_FUNCTION,
            1,
            lambda text: None if text is None else fold(text),
            deterministic=True,
        )
        connection.connection.create_function(
            SQLITE_FOLD_TEXT_FUNCTION,
            1,
            lambda html: None if html is None else fold(visible_text(html)),
            deterministic=True,
        )


def folded(model, column):
    """The column as search compares it: folded, and a rich text read as its text."""
    owner, name = field_owner(model, column)
    if isinstance(owner._meta.get_field(name), RichTextField):
        return FoldedText(F(column))
    return Folded(F(column))


def language_columns(model, path):
    """The columns a search field stands for: each language's for a translated field."""
    *relations, _name = path.split("__")
    target, name = field_owner(model, path)
    try:
        translated = name in translator.get_options_for_model(target).fields
    except NotRegistered:
        translated = False
    if not translated:
        return [path]
    prefix = "".join(f"{relation}__" for relation in relations)
    return [prefix + build_localized_fieldname(name, code) for code in AVAILABLE_LANGUAGES]


# This process's word indexes of the lists: (content version, WordIndex) by model and columns.
_word_indexes = {}


def word_index(model, columns):
    """The words of every row of `model` in `columns` (its drafts too: the admin lists them),
    made again when the content version changes."""
    version = content_version()
    key = (model, tuple(columns))
    made = _word_indexes.get(key)
    if made is None or made[0] != version:
        made = (version, WordIndex({model: (model._default_manager.all(), columns)}))
        _word_indexes[key] = made
    return made[1]


class FoldedSearchAdmin:
    """Every word typed must appear, without regard to accents or case, in one of the
    `search_fields` in any language (the admin's own rule, folded), or one of its word forms
    must (a quoted phrase is looked for as typed)."""

    def get_search_results(self, request, queryset, search_term):
        columns = [
            column
            for field in self.get_search_fields(request)
            for column in language_columns(self.model, field)
        ]
        if not (columns and search_term.strip()):
            return queryset, False
        index = word_index(self.model, columns)
        for bit in smart_split(search_term):
            quoted = bit.startswith(('"', "'")) and bit[0] == bit[-1]
            if quoted:
                bit = unescape_string_literal(bit)
            word = fold(bit)
            found = reduce(
                operator.or_,
                (Q(Contains(folded(self.model, column), word)) for column in columns),
            )
            if not quoted and WORD.fullmatch(word):
                forms = index.matches(self.model, [index.words_like(word)])
                found |= Q(pk__in=forms)
            queryset = queryset.filter(found)
        opts = self.model._meta
        return queryset, any(lookup_spawns_duplicates(opts, column) for column in columns)


# How many items of each list the search of all content shows; the list has the rest.
SHOWN_PER_LIST = 10


@dataclass
class ListFound:
    """What the search of all content found in one list: its first items, how many in all,
    and the list searched for the same words."""

    opts: object
    items: list  # (label, address of its form)
    total: int
    list_url: str


def search_everything_view(request, admin_site):
    """One search, from the dashboard, over every list the person may open, each searched
    by its own rule (its `search_fields`, folded and with word forms, in every language)."""
    # PostgreSQL refuses a NUL character in a query; no text holds one.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    found = []
    for app in admin_site.get_app_list(request) if query else []:
        for model_dict in app["models"]:
            model = model_dict["model"]
            model_admin = admin_site._registry[model]
            if not model_admin.get_search_fields(request):
                continue
            queryset, may_have_duplicates = model_admin.get_search_results(
                request, model_admin.get_queryset(request), query
            )
            if may_have_duplicates:
                queryset = queryset.distinct()
            total = queryset.count()
            if total:
                opts = model._meta
                items = [
                    (str(obj), editing_path(model, quote(obj.pk)))
                    for obj in queryset[:SHOWN_PER_LIST]
                ]
                changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                found.append(
                    ListFound(opts, items, total, f"{changelist}?{urlencode({'q': query})}")
                )
    context = {
        **admin_site.each_context(request),
        "title": _("Search: %(query)s") % {"query": query} if query else _("Search all content"),
        "query": query,
        "found": found,
        "total": sum(section.total for section in found),
    }
    return TemplateResponse(request, "admin/cities/search_everything.html", context)
