"""Admin search that ignores accents and case and looks in every language.

Django's admin search compares the typed words with the columns as written and, for a
translated field, with the active language's column only: "Bajale" missed "Bájale" and an
English title was never found from the Spanish admin. Here each searched field stands for
all its language columns, and both sides are folded the way the public search folds them
(`cities.search.fold`): on PostgreSQL with `unaccent` (the immutable wrapper of migration
0008), on SQLite with that same Python function registered on each connection.

A rich-text column is searched in the text its readers see, not its HTML: "strong" or "href"
found every city whose narrative had bold text or a link. Its tags count as spaces and its
entities as their characters, in SQL on PostgreSQL and with `markup_as_spaces` on SQLite.
"""

import operator
import re
from functools import reduce

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import F, Func, Q, TextField
from django.db.models.lookups import Contains
from django.utils.text import smart_split, unescape_string_literal
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from .rich_text import RichTextField, markup_as_spaces
from .search import fold

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


def field_owner(model, path):
    """The model holding the field at the end of a search path ("city__name": City), and
    the field's name."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model, name


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


class FoldedSearchAdmin:
    """Every word typed must appear, without regard to accents or case, in one of the
    `search_fields` in any language (the admin's own rule, folded)."""

    def get_search_results(self, request, queryset, search_term):
        columns = [
            column
            for field in self.get_search_fields(request)
            for column in language_columns(self.model, field)
        ]
        if not (columns and search_term.strip()):
            return queryset, False
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            word = fold(bit)
            queryset = queryset.filter(
                reduce(
                    operator.or_,
                    (Q(Contains(folded(self.model, column), word)) for column in columns),
                )
            )
        opts = self.model._meta
        return queryset, any(lookup_spawns_duplicates(opts, column) for column in columns)
