"""Search across published cities, programs and criteria, in both languages.

Matching is accent- and case-insensitive, by word prefix and by stem: every word of the query
must start a word of the item's text in either language, or share its Spanish or English stem
with one ("jovenes" finds "Jóvenes", "educ" finds "educación", "adultos mayores" finds "Adultas
Mayores", "learning city" finds "learning cities"). A word found nowhere is taken for a typo:
the closest word of the site is searched instead and offered as "did you mean" (found with
trigram similarity, pg_trgm, on PostgreSQL; with difflib elsewhere).

Each server process keeps an index of the public items' words (`SearchIndex`), made again when
the content version changes, which it does on every edit and when a scheduled item goes
public. A search then reads from the database only the items it shows, on both databases,
which give the same answers.
"""

import difflib
import re
import threading
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice, takewhile
from typing import NamedTuple

import Stemmer
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from .models import City, ContentVersion, Criterion, Program
from .rich_text import RichTextField, as_text, markup_as_spaces

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
SNIPPET_RADIUS = 90
MAX_SHOWN = 50  # results shown per kind; a page of thousands helps nobody
LANGUAGE_CODES = AVAILABLE_LANGUAGES  # ["es", "en"]: the default language first
# Snowball's algorithms for the site's languages (the same as PostgreSQL's dictionaries).
STEMMERS = {"es": "spanish", "en": "english"}
# Typos are looked for in words of this many letters: shorter ones have too many neighbours,
# longer ones are no words.
TYPO_LENGTHS = range(4, 31)
# How alike a word must be to be offered instead (difflib's ratio), and an item's text to
# hold such a word (pg_trgm's word similarity).
CLOSE_ENOUGH = 0.75
TRIGRAM_CLOSE_ENOUGH = 0.5
WORD = re.compile(r"[^\W_]+")


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
    words = WORD.findall(fold(query[:MAX_QUERY_LENGTH]))
    return list(dict.fromkeys(words))[:MAX_WORDS]


class _Stemmers(threading.local):
    """Snowball stemmers, one set per thread: a stemmer object is not thread-safe."""

    def __init__(self):
        self.by_language = {code: Stemmer.Stemmer(name) for code, name in STEMMERS.items()}


_STEMMERS = _Stemmers()


def stems(word):
    """The word's stems, one per language, tagged with it: a Spanish and an English stem
    that happen to be spelt alike are not the same word."""
    return [(code, stemmer.stemWord(word)) for code, stemmer in _STEMMERS.by_language.items()]


def _marked(text, terms):
    """The spans of `text` whose word is one of `terms` (folded words)."""
    # `fold` keeps positions, so spans found in the folded text mark the original text.
    return (match.span() for match in WORD.finditer(fold(text)) if match.group() in terms)


def highlight(text, terms):
    """`text` escaped, with every word that is one of `terms` in <mark>."""
    pieces, position = [], 0
    for start, end in _marked(text, terms):
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def snippet(text, terms):
    """A short excerpt of `text` around its first word among `terms`, highlighted; "" when
    it has none."""
    first = next(_marked(text, terms), None)
    if first is None:
        return ""
    match_start, match_end = first
    start = max(0, match_start - SNIPPET_RADIUS)
    end = min(len(text), match_end + SNIPPET_RADIUS)
    if start > 0:
        start = text.find(" ", start) + 1 or start
    if end < len(text):
        cut = text.rfind(" ", match_end, end)
        end = cut if cut > 0 else end
    excerpt = highlight(text[start:end], terms)
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
    # The query searched instead, when a word of the visitor's was found nowhere.
    suggestion: str = ""

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


def public_items():
    """The querysets searched, by kind: what the public pages show."""
    return {
        "city": City.objects.published(),
        "program": Program.objects.public().select_related("city"),
        "criterion": Criterion.objects.building_blocks(),
    }


def _columns(kind):
    """The database columns searched for one kind of item."""
    translated, plain = SEARCHED[kind]
    columns = [build_localized_fieldname(f, code) for f in translated for code in LANGUAGE_CODES]
    return columns + plain


def _words(model, columns, values):
    """The searched columns' values as one text of words (a rich text's markup as spaces).
    A column may be a related model's ("city__name_es")."""
    return " ".join(
        (markup_as_spaces(value) if _is_rich(model, column) else value) or ""
        for column, value in zip(columns, values, strict=True)
    )


def field_owner(model, path):
    """The model holding the field at the end of a column's path ("city__name": City), and
    the field's name."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model, name


def _is_rich(model, column):
    owner, name = field_owner(model, column)
    return isinstance(owner._meta.get_field(name), RichTextField)


def _texts(obj, kind, language):
    """(field, language, plain text) of an item, the visitor's language first."""
    translated, plain = SEARCHED[kind]
    languages = [language] + [code for code in LANGUAGE_CODES if code != language]
    columns = [
        (field, code, build_localized_fieldname(field, code))
        for code in languages
        for field in translated
    ]
    columns += [(field, language, field) for field in plain]
    return [
        (field, code, as_text(obj._meta.get_field(column), getattr(obj, column)) or "")
        for field, code, column in columns
    ]


class WordIndex:
    """The words of some items: for each kind, the items' primary keys in the order of their
    queryset and, for each word, the positions of the items that hold it; and the words of
    each stem. `sources` maps each kind to a queryset and the columns whose words count."""

    def __init__(self, sources):
        self.pks, self.postings = {}, {}
        for kind, (queryset, columns) in sources.items():
            pks, postings = [], defaultdict(set)
            # Only the searched columns, named per language: no model instances and no
            # modeltranslation rewriting (rewrite(False)), work that would be wasted here.
            if hasattr(queryset, "rewrite"):
                queryset = queryset.rewrite(False)
            rows = queryset.values_list("pk", *columns)
            for position, (pk, *values) in enumerate(rows):
                pks.append(pk)
                for word in set(WORD.findall(fold(_words(queryset.model, columns, values)))):
                    postings[word].add(position)
            self.pks[kind], self.postings[kind] = pks, postings
        self.vocabulary = sorted({word for postings in self.postings.values() for word in postings})
        self.stemmed = defaultdict(set)
        for word in self.vocabulary:
            for stem in stems(word):
                self.stemmed[stem].add(word)

    def words_like(self, word):
        """The indexed words that `word` finds: those it starts, and those of its stems."""
        following = islice(self.vocabulary, bisect_left(self.vocabulary, word), None)
        found = set(takewhile(lambda known: known.startswith(word), following))
        for stem in stems(word):
            found |= self.stemmed.get(stem, set())
        return found

    def matches(self, kind, found_per_word):
        """The primary keys of the items of `kind` that hold, for each searched word, one of
        the words it finds, in the order of their queryset."""
        postings = self.postings[kind]
        positions = None
        for found in found_per_word:
            holding = set().union(*(postings[word] for word in found if word in postings))
            positions = holding if positions is None else positions & holding
        return [self.pks[kind][position] for position in sorted(positions)]


class SearchIndex(WordIndex):
    """The words of the public items, as of one content version."""

    def __init__(self, version):
        self.version = version
        super().__init__(
            {kind: (queryset, _columns(kind)) for kind, queryset in public_items().items()}
        )

    def closest_word(self, word):
        """The site's word nearest to `word`, taken for a typo, or None."""
        if len(word) not in TYPO_LENGTHS or word.isdigit():
            return None
        if connection.vendor == "postgresql":
            return self._closest_word_by_trigrams(word)
        close = difflib.get_close_matches(word, self.vocabulary, n=1, cutoff=CLOSE_ENOUGH)
        return close[0] if close else None

    def _closest_word_by_trigrams(self, word):
        """pg_trgm finds the public items with a word most like `word` (its word similarity
        ignores the rest of their text); the nearest of those items' words is the answer."""
        candidates = set()
        for kind, queryset in public_items().items():
            texts = [
                Coalesce(
                    Func(F(column), function="immutable_unaccent"),
                    Value(""),
                    output_field=TextField(),
                )
                for column in _columns(kind)
            ]
            # A space between the columns, so that words do not run into each other.
            document = Concat(
                *texts[:1],
                *[part for text in texts[1:] for part in (Value(" "), text)],
                output_field=TextField(),
            )
            best = (
                queryset.rewrite(False)
                .annotate(similarity=TrigramWordSimilarity(Value(word), document))
                .filter(similarity__gte=TRIGRAM_CLOSE_ENOUGH)
                .order_by("-similarity")
                .values_list(*_columns(kind))[:3]
            )
            for values in best:
                words = _words(queryset.model, _columns(kind), values)
                candidates.update(WORD.findall(fold(words)))
        close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=CLOSE_ENOUGH)
        return close[0] if close else None


_index = None


def content_version():
    """What an index of the content is made again for: the content version's number and,
    since a database restored or rolled back (tests) may reach the same number again with
    other content, the moment of the change."""
    current = ContentVersion.current()
    return (current.version, current.changed_at)


def search_index():
    """This process's index of the public items, made again when the content changed."""
    global _index
    version = content_version()
    if _index is None or _index.version != version:
        _index = SearchIndex(version)
    return _index


def search(query, language):
    """The public items matching `query`, grouped by kind (at most MAX_SHOWN of each, the
    rest only counted), as SearchResults. When a word is found nowhere, each such word is
    replaced by the site's closest word; if that finds something, it is the results'
    suggestion."""
    words = query_words(query)
    if not words:
        return SearchResults(words, [ResultGroup(kind, [], 0) for kind in SEARCHED])
    index = search_index()
    found = [index.words_like(word) for word in words]
    if all(found):
        return _results(index, words, found, language)
    closest = [
        word if known else index.closest_word(word)
        for word, known in zip(words, found, strict=True)
    ]
    if all(closest):
        results = _results(index, closest, [index.words_like(word) for word in closest], language)
        if results.count:
            results.suggestion = " ".join(closest)
            return results
    return SearchResults(words, [ResultGroup(kind, [], 0) for kind in SEARCHED])


def _results(index, words, found, language):
    """SearchResults of the items holding, for each word, one of the site's words it found."""
    terms = set().union(*found)
    groups = []
    for kind, queryset in public_items().items():
        matches = index.matches(kind, found)
        shown = matches[:MAX_SHOWN]
        # Read through the public queryset, which has the last word on what is public.
        items = queryset.in_bulk(shown)
        results = [_result(kind, items[pk], language, terms) for pk in shown if pk in items]
        groups.append(ResultGroup(kind, results, len(matches)))
    return SearchResults(words, groups)


def _result(kind, obj, language, terms):
    title_field = SEARCHED[kind][0][0]
    excerpt, excerpt_language = "", ""
    for field, code, text in _texts(obj, kind, language):
        if field != title_field and text:
            found = snippet(text, terms)
            if found:
                excerpt, excerpt_language = found, code
                break
    return Result(
        kind=kind,
        obj=obj,
        url=obj.get_absolute_url(),
        title=highlight(getattr(obj, title_field), terms),
        excerpt=excerpt,
        excerpt_language=excerpt_language,
    )
