"""Rich text for the long texts: what may be stored, the field and its editor, plain text.

The editor is django-prose-editor (Tiptap). What the editor offers and what the server keeps
are the same short list: paragraphs, line breaks, h2 and h3, bold, italic, bulleted and numbered
lists, blockquotes and links to https://, mailto: or a path of this site. Everything else,
whatever sent it (a paste from Word, a forged form, a script), is dropped with its text kept;
scripts and styles go with their content. The HTML is sanitized with nh3 whenever a form
cleans it and whenever it is saved, so the database holds only that list.

`RichTextField` is all a model needs: `vision = RichTextField(_("vision"), max_text_length=4000)`
(and the field in cities/translation.py for both languages).
"""

import html
import re

import nh3
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField, ProseEditorFormField

BLOCK_TAGS = {"p", "h2", "h3", "blockquote", "ul", "ol", "li"}
INLINE_TAGS = {"br", "strong", "em", "a"}
# A link leads to another site over https, to an e-mail address, or to a path of this site
# (one leading slash: "//host" and "/\\host" would be another site).
ALLOWED_HREF = re.compile(r"(?i)(?:https://|mailto:)\S|/(?![/\\])")
# What a browser drops from an address before reading it (the WHATWG URL standard): C0
# control characters and spaces at either end, ASCII tabs and newlines anywhere.
URL_EDGES = "".join(map(chr, range(0x21)))
TAB_OR_NEWLINE = re.compile("[\t\n\r]")


def link_address(href):
    """`href` as a browser reads it, if it leads where a link may (ALLOWED_HREF), else None.

    Checked after the browser's own clean-up, or "/<tab>/evil.example" would pass as a path of
    this site and open evil.example."""
    address = TAB_OR_NEWLINE.sub("", href.strip(URL_EDGES))
    return address if ALLOWED_HREF.match(address) else None


_cleaner = nh3.Cleaner(
    tags=BLOCK_TAGS | INLINE_TAGS,
    attributes={"a": {"href"}},
    url_schemes={"https", "mailto"},
    attribute_filter=lambda tag, name, value: link_address(value),
    link_rel=None,
    # Dropped with their content, not only their tags.
    clean_content_tags={"script", "style", "template", "title", "xml", "noscript"},
)
# A link whose address was dropped is plain text again.
_LINK_WITHOUT_ADDRESS = re.compile(r"<a>(.*?)</a>", re.DOTALL)
# Sanitized HTML quotes its attributes and escapes "<" and ">" inside them.
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-z0-9]+)")


def sanitize(value):
    """`value` reduced to the allowed HTML; "" when no text is left (an empty paragraph is
    what an emptied editor sends)."""
    if not value:
        return value
    cleaned = _LINK_WITHOUT_ADDRESS.sub(r"\1", _cleaner.clean(value))
    return cleaned if html_to_text(cleaned).strip() else ""


def html_to_text(value):
    """The plain text of sanitized HTML: blocks separated by a blank line, list items on lines
    of their own ("- " or "1. " before them), <br> a line break, entities decoded.

    For search, meta descriptions, CSV and the history. The inverse of `text_to_html` for the
    texts it makes, so that a migration to rich text can be reversed.
    """
    if not value or not ("<" in value or "&" in value):
        return value or ""
    blocks = []  # (kind, text): kind ("li", n) for an item of the n-th list, "p" otherwise
    pieces = []
    lists = []  # the open lists: the number of the next item, None in a bulleted list
    kind = "p"
    top_lists = 0

    def end_block():
        text = "".join(pieces)
        if kind != "p":
            text = text.rstrip("\n")
        if text.strip():
            blocks.append((kind, text))
        pieces.clear()

    for token in _TAG.split(value):
        if not token.startswith("<"):
            pieces.append(html.unescape(token))
            continue
        match = _TAG_NAME.match(token)
        name = match.group(1) if match else ""
        closing = token.startswith("</")
        if name == "br":
            pieces.append("\n")
        elif name == "li":
            end_block()
            kind = "p" if closing else ("li", top_lists)
            if not closing and lists:
                number = lists[-1]
                pieces.append("- " if number is None else f"{number}. ")
                if number is not None:
                    lists[-1] += 1
        elif name in ("ul", "ol"):
            end_block()
            kind = "p"
            if not closing:
                top_lists += not lists
                lists.append(1 if name == "ol" else None)
            elif lists:
                lists.pop()
        elif name in BLOCK_TAGS:
            if kind != "p":  # the paragraphs of a list item stay on its line
                if closing:
                    pieces.append("\n")
                continue
            end_block()
    end_block()
    text = []
    for index, (kind, block) in enumerate(blocks):
        if index:
            text.append("\n" if kind != "p" and kind == blocks[index - 1][0] else "\n\n")
        text.append(block)
    return "".join(text)


def markup_as_spaces(value):
    """The words of sanitized HTML, its tags turned into spaces: what search matches, made
    several times faster than `html_to_text`, for every candidate of a search."""
    if not value or ("<" not in value and "&" not in value):
        return value
    return html.unescape(_TAG.sub(" ", value))


def text_to_html(text):
    """Plain text as paragraphs: a blank line starts a new one, a single line break stays a
    <br>; every character escaped. Empty text stays empty."""
    if not text:
        return text
    paragraphs = re.split(r"\n[ \t]*\n\s*", text.replace("\r\n", "\n").strip())
    return "".join(
        "<p>{}</p>".format(escape(paragraph).replace("\n", "<br>"))
        for paragraph in paragraphs
        if paragraph
    )


_PARAGRAPH = re.compile(r"<p>((?:(?!</?p>).)*)</p>", re.DOTALL)


def only_paragraph(value):
    """The content of sanitized HTML that is a single paragraph, else None."""
    match = _PARAGRAPH.fullmatch(value)
    return match.group(1) if match else None


def as_sentence(value, prefix="", full_stop=False):
    """Sanitized HTML whose first paragraph completes `prefix` (escaped) and, with
    `full_stop`, starts with a capital and ends with a full stop (unless it has one)."""
    match = _PARAGRAPH.match(value)
    if not match:
        return value
    words = match.group(1)
    if prefix:
        words = f"{escape(prefix)} {words}"
    if full_stop:
        words = capfirst(words)
        if not html_to_text(words).rstrip().endswith((".", "!", "?", "…")):
            words += "."
    return f"<p>{words}</p>{value[match.end() :]}"


def as_text(model_field, value):
    """A stored value as people read it: a rich text's plain text, anything else as it is."""
    if isinstance(model_field, RichTextField) and isinstance(value, str):
        return html_to_text(value)
    return value


@deconstructible
class MaxTextLengthValidator(MaxLengthValidator):
    """Limits the text a reader sees, not the markup around it."""

    def clean(self, x):
        return len(html_to_text(x))


# What the editor offers: the same list as `sanitize` keeps, in Tiptap's names.
EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": {"enableListAttributes": False},  # start and type are not kept
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    # static/cities/admin/rich-text.js: a link dialog that offers the site's own pages, and
    # the toolbar's buttons named in the admin's language. Their options are per form field
    # (`site_link_options`).
    "SiteLink": True,
    "ToolbarLabels": True,
}


def site_link_options(field):
    """The link dialog's options of `field`; the admin adds where it reads the site's pages
    (`pagesUrl`: cities.rich_text_admin), which no model names."""
    return {
        # modeltranslation's copy of the field for one language knows it: links written in
        # the Spanish text lead to the Spanish pages.
        "language": getattr(field, "language", None),
        "labels": LINK_DIALOG_LABELS,
    }


LINK_DIALOG_LABELS = {
    "title": _("Link"),
    "page": _("Page of this site"),
    "noPage": _("— another address —"),
    "cities": _("Cities"),
    "programs": _("Programs"),
    "address": _("Address"),
    "addressHelp": _("https://…, mailto:… or a page chosen above."),
    "invalid": _("Use an address that starts with https:// or mailto:, or choose a page."),
    "save": _("Save link"),
    "remove": _("Remove link"),
    "cancel": _("Cancel"),
    "loading": _("Loading the site's pages…"),
}
# The editor's own button titles (English, untranslated) and what the toolbar says instead.
TOOLBAR_LABELS = {
    "paragraph": _("Paragraph"),
    "heading 2": _("Heading (level 2)"),
    "heading 3": _("Subheading (level 3)"),
    "unordered list": _("Bulleted list"),
    "ordered list": _("Numbered list"),
    "blockquote": _("Quotation"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "insert link": _("Link"),
    "remove link": _("Remove link"),
    "undo": _("Undo"),
    "redo": _("Redo"),
}


class RichTextFormField(ProseEditorFormField):
    def to_python(self, value):
        # Sanitized before the checks, so that "required" and the length limit judge what
        # will be kept: an editor emptied to "<p></p>" is empty.
        return sanitize(super().to_python(value))


class RichTextField(ProseEditorField):
    """A long text written in the rich-text editor and stored as sanitized HTML.

    `max_text_length` limits the characters of its plain text (a form error beside the field).
    `first_heading_level` is the level the public page gives the text's first heading (2 under
    the page's h1; 3 under a section's h2), for the checks while writing; not a column's.
    """

    def __init__(self, *args, max_text_length=None, first_heading_level=2, **kwargs):
        self.first_heading_level = first_heading_level
        kwargs.update(config={"extensions": EDITOR_EXTENSIONS}, sanitize=sanitize)
        if max_text_length is not None:
            kwargs["validators"] = [
                *kwargs.get("validators", ()),
                MaxTextLengthValidator(max_text_length),
            ]
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return sanitize(super().to_python(value))

    def pre_save(self, model_instance, add):
        # Whatever saves it (a script, the seed, a restored version), the database gets only
        # the allowed HTML.
        return sanitize(super().pre_save(model_instance, add))

    def formfield(self, **kwargs):
        extensions = {
            **EDITOR_EXTENSIONS,
            "SiteLink": site_link_options(self),
            "ToolbarLabels": {"labels": TOOLBAR_LABELS, "toolbar": _("Formatting")},
        }
        field = super().formfield(
            **{"config": {"extensions": extensions}, "form_class": RichTextFormField, **kwargs}
        )
        # The admin checks it while it is written (learningcities.editorial.writing).
        field.widget.attrs.update(
            {"data-writing-check": "rich", "data-first-heading-level": self.first_heading_level}
        )
        return field
