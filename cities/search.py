"""Search across published cities, programs and criteria, in both languages.

Matching is accent- and case-insensitive and by word prefix: every word of the query must
start a word of the item's text in either language ("jovenes" finds "Jóvenes", "educ"
finds "educación"). On PostgreSQL the database narrows the candidates with full-text
search (`unaccent` + the "simple" configuration, which fits both languages); elsewhere
every published item is a candidate. In both cases the same Python check decides and
marks the matches, so the two databases give the same answer.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, Func
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from .models import City, Criterion, Program
from .rich_text import RichTextField, as_text, markup_as_spaces

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
SNIPPET_RADIUS = 90
MAX_SHOWN = 50  # results shown per kind; a page of thousands helps nobody
LANGUAGE_CODES = AVAILABLE_LANGUAGES  # ["es", "en"]: the default language first


class _FoldTable(dict):
    """A `str.translate` table from each character to its lower-case base letter, worked
    out the first time the character is met: folding runs over every searched text."""

    # Bounds the memory visitors' queries can claim with rare characters.
    MAX_SIZE = 4096

    def __missing__(self, codepoint):
        char = chr(codepoint)
        base = unicodedata.normalize("NFD", char)[0].lower()
        folded = base if len(base) == 1 else char
        if len(self) < self.MAX_SIZE:
            self[codepoint] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text):
    """Lower case without accents, one character per character of `text`."""
    return text.translate(_FOLD_TABLE)


def query_words(query):
    """The words searched for: letters and digits only, at most MAX_WORDS of them."""
    words = re.findall(r"[^\W_]+", fold(query[:MAX_QUERY_LENGTH]))
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _word_pattern(words):
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\w*")


def highlight(text, words):
    """`text` escaped, with every word that starts with a searched word in <mark>."""
    pattern = _word_pattern(words)
    pieces, position = [], 0
    # `fold` keeps positions, so spans found in the folded text mark the original text.
    for match in pattern.finditer(fold(text)):
        start, end = match.span()
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def snippet(text, words):
    """A short excerpt of `text` around its first match, highlighted; "" without a match."""
    match = _word_pattern(words).search(fold(text))
    if not match:
        return ""
    start = max(0, match.start() - SNIPPET_RADIUS)
    end = min(len(text), match.end() + SNIPPET_RADIUS)
    if start > 0:
        start = text.find(" ", start) + 1 or start
    if end < len(text):
        cut = text.rfind(" ", match.end(), end)
        end = cut if cut > 0 else end
    excerpt = highlight(text[start:end], words)
    return mark_safe(("… " if start else "") + excerpt + (" …" if end < len(text) else ""))


@dataclass
class Result:
    kind: str
    obj: object
    url: str
    title: str
    excerpt: str
    excerpt_language: str


class ResultGroup(NamedTuple):
    kind: str  # "city", "program" or "criterion"
    items: list  # the Results shown, at most MAX_SHOWN
    total: int  # how many matched


@dataclass
class SearchResults:
    words: list  # the words searched for (none: nothing to search)
    groups: list  # a ResultGroup per kind, in the order of SEARCHED

    @property
    def count(self):
        return sum(group.total for group in self.groups)

    def __getitem__(self, kind):
        """The Results of one kind shown (a KeyError for no kind, as templates expect)."""
        return {group.kind: group.items for group in self.groups}[kind]


# What is searched: the translated fields of each kind, plus untranslated ones.
SEARCHED = {
    "city": (["name", "tagline", "narrative"], ["province"]),
    "program": (["name", "summary", "description"], []),
    "criterion": (["title", "statement"], []),
}


def _columns(kind):
    """The database columns searched for one kind of item."""
    translated, plain = SEARCHED[kind]
    columns = [build_localized_fieldname(f, code) for f in translated for code in LANGUAGE_CODES]
    return columns + plain


def _texts(values, kind, language):
    """(field, language, text) of an item, from its column values, the visitor's language first."""
    translated, plain = SEARCHED[kind]
    languages = [language] + [code for code in LANGUAGE_CODES if code != language]
    texts = []
    for code in languages:
        for field in translated:
            texts.append((field, code, values[build_localized_fieldname(field, code)] or ""))
    texts += [(field, language, values[field] or "") for field in plain]
    return texts


def _narrowed(queryset, kind, words):
    """On PostgreSQL, let full-text search pick the candidates."""
    if connection.vendor != "postgresql":
        return queryset
    # immutable_unaccent() and this expression are those of the GIN indexes made by
    # migration 0008, so that PostgreSQL can answer from the index.
    vector = SearchVector(
        *[Func(F(column), function="immutable_unaccent") for column in _columns(kind)],
        config="simple",
    )
    # Words are letters and digits only (already without accents), so this raw query
    # cannot be malformed.
    raw = " & ".join(f"{word}:*" for word in words)
    query = SearchQuery(raw, search_type="raw", config="simple")
    return queryset.annotate(search=vector).filter(search=query)


def search(query, language):
    """The published items matching `query`, grouped by kind (at most MAX_SHOWN of each,
    the rest only counted), as SearchResults."""
    words = query_words(query)
    if not words:
        return SearchResults(words, [ResultGroup(kind, [], 0) for kind in SEARCHED])
    sources = {
        "city": City.objects.published(),
        "program": Program.objects.public().select_related("city"),
        "criterion": Criterion.objects.building_blocks(),
    }
    patterns = [re.compile(r"\b" + re.escape(word)) for word in words]
    groups = []
    for kind, queryset in sources.items():
        columns = _columns(kind)
        # Rich texts are searched by their words (markup as spaces: quick, for every
        # candidate) and quoted by their plain text (for the results shown).
        fields = [queryset.model._meta.get_field(column) for column in columns]
        rich = [isinstance(field, RichTextField) for field in fields]
        total, shown = 0, []  # shown: (primary key, column values) of the matches shown
        # Every candidate's searched text is read, but whole items only for those shown:
        # building thousands of model instances would cost more than the matching. The
        # columns are named per language, so rows skip modeltranslation's fallback
        # rewriting (rewrite(False)), work that would be wasted here.
        for pk, *values in (
            _narrowed(queryset, kind, words).rewrite(False).values_list("pk", *columns)
        ):
            document = fold(
                " ".join(
                    (markup_as_spaces(value) if is_rich else value) or ""
                    for value, is_rich in zip(values, rich, strict=True)
                )
            )
            if not all(pattern.search(document) for pattern in patterns):
                continue
            total += 1
            if total <= MAX_SHOWN:
                texts = [as_text(field, value) for field, value in zip(fields, values, strict=True)]
                shown.append((pk, dict(zip(columns, texts, strict=True))))
        items = queryset.in_bulk([pk for pk, _values in shown])
        results = [
            _result(kind, items[pk], _texts(values, kind, language), words)
            for pk, values in shown
            if pk in items
        ]
        groups.append(ResultGroup(kind, results, total))
    return SearchResults(words, groups)


def _result(kind, obj, texts, words):
    title_field = SEARCHED[kind][0][0]
    excerpt, excerpt_language = "", ""
    for field, code, text in texts:
        if field != title_field and text:
            found = snippet(text, words)
            if found:
                excerpt, excerpt_language = found, code
                break
    return Result(
        kind=kind,
        obj=obj,
        url=obj.get_absolute_url(),
        title=highlight(getattr(obj, title_field), words),
        excerpt=excerpt,
        excerpt_language=excerpt_language,
    )
