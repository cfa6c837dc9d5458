"""Admin search that ignores accents and case and looks in every language.

Django's admin search compares the typed words with the columns as written and, for a
translated field, with the active language's column only: "Bajale" missed "Bájale" and an
English title was never found from the Spanish admin. Here each searched field stands for
all its language columns, and both sides are folded the way the public search folds them
(`cities.search.fold`): on PostgreSQL with `unaccent` (the immutable wrapper of migration
0008), on SQLite with that same Python function registered on each connection.
"""

import operator
from functools import reduce

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import F, Func, Q, TextField
from django.db.models.lookups import Contains
from django.utils.text import smart_split, unescape_string_literal
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from .search import fold

SQLITE_FOLD_FUNCTION = "lc_fold"


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


def register_sqlite_fold(sender, connection, **kwargs):
    """Gives each SQLite connection the fold that PostgreSQL does with unaccent."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FOLD_FUNCTION,
            1,
            lambda text: None if text is None else fold(text),
            deterministic=True,
        )


def language_columns(model, path):
    """The columns a search field stands for: each language's for a translated field."""
    *relations, name = path.split("__")
    target = model
    for relation in relations:
        target = target._meta.get_field(relation).related_model
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
                reduce(operator.or_, (Q(Contains(Folded(F(c)), word)) for c in columns))
            )
        opts = self.model._meta
        return queryset, any(lookup_spawns_duplicates(opts, column) for column in columns)
