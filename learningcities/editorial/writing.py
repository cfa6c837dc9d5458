"""Checks while writing: what a reader will meet in a text, measured for the text's language.

Nothing here blocks a save; the admin shows the findings beside each field and sums them up
before someone submits or publishes. Every check takes plain values (a text, an HTML
fragment, an alt text) and gives back `Finding`s and figures, so that the form, the review
page and the tests all ask the same functions.

Readability is scored with the formula made for each language, never one for both:

- Spanish: Szigriszt-Pazos's perspicuity, read on the INFLESZ scale (Barrio-Cantalejo et al.,
  2008), the scale Spanish plain-language guides use:
  206.835 - 62.3 * syllables per word - words per sentence.
- English: Flesch reading ease (Flesch, 1948):
  206.835 - 1.015 * words per sentence - 84.6 * syllables per word.

Syllables come from libraries made for it: pylabeador (Spanish syllabification rules) and
syllables (the CMU Pronouncing Dictionary, with an estimate for words it lacks).
"""

import re
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser

import pylabeador
import syllables
from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# Silent reading of informative text runs at about 200 to 250 words a minute in both languages
# (Brysbaert, 2019: 238 for English non-fiction, 228 for Spanish); the lower figure keeps the
# estimate honest for readers in their second language.
WORDS_PER_MINUTE = 200
# A sentence longer than this is pointed out (plain-language guides in both languages advise
# 20 to 25 words on average and few past 30).
LONG_SENTENCE_WORDS = 30
LONGEST_SENTENCES_SHOWN = 3
# Alt text: fewer characters than this says too little about a photo.
SHORT_ALT_TEXT = 15

# Letters, joined by an apostrophe (straight or typographic) or a hyphen.
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
# A sentence ends at . ! ? or … followed by a space and what can start a sentence, or at a
# line break (headings and list items are sentences of their own).
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[¿¡\"“«(]?[^\W\d_]|\d)|\n+")
FILE_NAME = re.compile(
    r"(?i)(?:\.(?:jpe?g|png|gif|webp|avif|tiff?|heic|bmp)$|^(?:img|dsc|pxl|photo|foto)?[_-]?\d{3,}$"
    r"|^[\w-]*_[\w-]*$)"
)
REDUNDANT_ALT_START = re.compile(
    r"(?i)^(?:image|picture|photo|photograph)\s+of\b|^(?:imagen|foto|fotografía|fotograf[ií]a)\s+de\b"
)
VAGUE_LINK_TEXTS = {
    "es": {
        "aquí",
        "aqui",
        "haga clic aquí",
        "haz clic aquí",
        "clic aquí",
        "pulse aquí",
        "más",
        "leer más",
        "ver más",
        "enlace",
        "este enlace",
        "link",
    },
    "en": {"here", "click here", "read more", "more", "this link", "link", "learn more"},
}


@dataclass(frozen=True)
class Finding:
    """One thing a reader would stumble on: `code` names the check (stable, for tests and
    scripts), `message` says it to the editor, `excerpt` shows where."""

    code: str
    message: str
    excerpt: str = ""


@dataclass
class TextMeasures:
    """How long a text is and how hard it reads, in its language."""

    language: str
    words: int = 0
    sentences: int = 0
    syllables: int = 0
    longest_sentences: list[tuple[int, str]] = field(default_factory=list)

    @property
    def reading_minutes(self):
        """Whole minutes a reader needs, at least one for any text."""
        return max(1, round(self.words / WORDS_PER_MINUTE)) if self.words else 0

    @property
    def score(self):
        """The readability score of the text's language (0 to 100, higher is easier); None for
        a text too short to score (fewer than two sentences or ten words)."""
        if self.words < 10 or self.sentences < 1:
            return None
        words_per_sentence = self.words / self.sentences
        syllables_per_word = self.syllables / self.words
        if self.language == "es":
            score = 206.835 - 62.3 * syllables_per_word - words_per_sentence
        else:
            score = 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word
        return round(min(100, max(0, score)), 1)

    @property
    def formula(self):
        return _("INFLESZ (Szigriszt-Pazos)") if self.language == "es" else _("Flesch reading ease")

    @property
    def grade(self):
        """The score's band, in words, on the scale of the language's formula."""
        score = self.score
        if score is None:
            return ""
        bands = SPANISH_BANDS if self.language == "es" else ENGLISH_BANDS
        return next(label for floor, label in bands if score >= floor)


# INFLESZ's bands (Barrio-Cantalejo et al., 2008) and Flesch's (1948), easiest first.
SPANISH_BANDS = [
    (80, _("very easy")),
    (65, _("fairly easy")),
    (55, _("normal")),
    (40, _("somewhat difficult")),
    (0, _("very difficult")),
]
ENGLISH_BANDS = [
    (90, _("very easy")),
    (80, _("easy")),
    (70, _("fairly easy")),
    (60, _("plain")),
    (50, _("fairly difficult")),
    (30, _("difficult")),
    (0, _("very difficult")),
]


def word_syllables(word, language):
    """The syllables of one word: Spanish by its rules, English by the dictionary."""
    if language == "es":
        try:
            return len(pylabeador.syllabify(word))
        except pylabeador.HyphenatorError:
            # Letters Spanish does not use (a foreign name): count its vowel groups.
            return max(1, len(re.findall(r"[aeiouáéíóúüy]+", word.lower())))
    return max(1, syllables.estimate(word))


def sentences_of(text):
    return [sentence.strip() for sentence in SENTENCE_END.split(text) if WORD.search(sentence)]


def measure(text, language):
    """Words, sentences, syllables and the longest sentences of a plain text."""
    measures = TextMeasures(language=language)
    lengths = []
    for sentence in sentences_of(text):
        words = WORD.findall(sentence)
        measures.sentences += 1
        measures.words += len(words)
        measures.syllables += sum(word_syllables(word, language) for word in words)
        lengths.append((len(words), sentence))
    lengths.sort(key=lambda pair: -pair[0])
    measures.longest_sentences = [
        pair for pair in lengths[:LONGEST_SENTENCES_SHOWN] if pair[0] > LONG_SENTENCE_WORDS
    ]
    return measures


def text_findings(measures):
    """What the measures of a text point out to its editor."""
    return [
        Finding(
            "long-sentence",
            ngettext(
                "A sentence of %(count)d word: readers lose the thread past about 30.",
                "A sentence of %(count)d words: readers lose the thread past about 30.",
                count,
            )
            % {"count": count},
            sentence,
        )
        for count, sentence in measures.longest_sentences
    ]


class _RichTextReader(HTMLParser):
    """Reads the headings and links of a rich text, and its text with blocks on lines."""

    BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "br"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self.links, self.parts = [], [], []
        self._heading, self._link = None, None

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
        elif tag == "a":
            self._link = [dict(attrs).get("href", ""), ""]

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], self._heading[1].strip()))
            self._heading = None
        elif tag == "a" and self._link:
            self.links.append((self._link[0], self._link[1].strip()))
            self._link = None
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)
        for current in (self._heading, self._link):
            if current:
                current[1] += data

    @property
    def text(self):
        return "".join(self.parts)


def read_rich_text(html):
    reader = _RichTextReader()
    reader.feed(html or "")
    reader.close()
    return reader


def heading_findings(headings, first_level):
    """Headings that skip a level (h2 → h4), counting from the level the page gives the
    text's first heading (the narrative sits under the page's h1, so it starts at h2)."""
    findings, previous = [], first_level - 1
    for level, text in headings:
        if level > previous + 1:
            findings.append(
                Finding(
                    "heading-order",
                    gettext("Heading “%(text)s” skips a level (h%(level)d after h%(previous)d).")
                    % {"text": text, "level": level, "previous": previous},
                    text,
                )
            )
        previous = level
    return findings


def link_findings(links):
    """Links without text, or whose text says nothing out of context ("click here"). Both
    languages' vague texts count in either: a pasted English "here" is as vague in Spanish."""
    vague = VAGUE_LINK_TEXTS["es"] | VAGUE_LINK_TEXTS["en"]
    findings = []
    for _href, text in links:
        label = text.strip(" .:…»→").lower()
        if not label:
            findings.append(Finding("empty-link", gettext("A link has no text to read."), ""))
        elif label in vague:
            findings.append(
                Finding(
                    "vague-link",
                    gettext(
                        "The link text “%(text)s” says nothing out of context: name where it leads."
                    )
                    % {"text": text},
                    text,
                )
            )
    return findings


def check_rich_text(html, language, first_heading_level=2):
    """Measures and findings of a rich text (sanitized HTML) in `language`."""
    reader = read_rich_text(html)
    measures = measure(reader.text, language)
    findings = [
        *heading_findings(reader.headings, first_heading_level),
        *link_findings(reader.links),
        *text_findings(measures),
    ]
    return measures, findings


def check_plain_text(text, language):
    measures = measure(text or "", language)
    return measures, text_findings(measures)


def check_alt_text(alt, file_name=""):
    """Whether an alt text describes the picture: present, long enough, not a file name."""
    alt = (alt or "").strip()
    if not alt:
        return [Finding("alt-missing", gettext("No alt text: describe what the photo shows."))]
    findings = []
    stem = re.sub(r"\.\w+$", "", file_name.rsplit("/", 1)[-1]) if file_name else ""
    if FILE_NAME.search(alt) or (stem and alt.lower() == stem.lower()):
        findings.append(
            Finding(
                "alt-file-name", gettext("The alt text is a file name: describe the photo."), alt
            )
        )
    elif len(alt) < SHORT_ALT_TEXT:
        findings.append(
            Finding(
                "alt-short",
                gettext("The alt text is very short: say what the photo shows, in a sentence."),
                alt,
            )
        )
    if REDUNDANT_ALT_START.search(alt):
        findings.append(
            Finding(
                "alt-redundant",
                gettext("Screen readers already say it is an image: start with what it shows."),
                alt,
            )
        )
    return findings


CHECK_KINDS = ("rich", "plain", "alt")


def check_field(kind, text, language, file_name="", first_heading_level=2):
    """The checks of one field's value, as the admin shows them beside it: `kind` is "rich"
    (sanitized HTML), "plain" or "alt" (an alt text, with the photo's `file_name`)."""
    if kind == "alt":
        return {"findings": [asdict(finding) for finding in check_alt_text(text, file_name)]}
    if kind == "rich":
        measures, findings = check_rich_text(text, language, first_heading_level)
    else:
        measures, findings = check_plain_text(text, language)
    return {
        "summary": summary_of(measures),
        "words": measures.words,
        "reading_minutes": measures.reading_minutes,
        "score": measures.score,
        "formula": str(measures.formula),
        "grade": str(measures.grade),
        "findings": [asdict(finding) for finding in findings],
    }


def summary_of(measures):
    """The measures in one line: "120 words · 1 min read · Flesch reading ease 64: plain"."""
    parts = [
        ngettext("%(count)d word", "%(count)d words", measures.words) % {"count": measures.words}
    ]
    if measures.words:
        parts.append(gettext("%(minutes)d min read") % {"minutes": measures.reading_minutes})
    if measures.score is not None:
        parts.append(
            gettext("%(formula)s %(score)s: %(grade)s")
            % {
                "formula": measures.formula,
                "score": formats.number_format(measures.score, 0),
                "grade": measures.grade,
            }
        )
    return " · ".join(parts)
