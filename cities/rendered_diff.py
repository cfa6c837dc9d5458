"""Changed rich text shown as the visitor will see it: the new version's HTML, rendered, with
the words added marked <ins> and the words removed put back marked <del>.

A reviewer sees a paragraph turned into a heading as a heading (its tag is marked as changed),
a new list as a list, and the source of both versions on demand. Both versions are sanitized
again first, so nothing but the rich text's own tags reaches the page.
"""

import difflib
import re

from django.core.exceptions import FieldDoesNotExist
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .rich_text import RichTextField, sanitize

# Sanitized HTML: its tags, and its text as words with the spaces after them.
_TOKEN = re.compile(r"<[^>]*>|[^<\s]+\s*|\s+")
_OPENING_TAG = re.compile(r"<([a-z0-9]+)")
# Where removed words may be put back: inside a block of text, not between list items.
_TEXT_BLOCKS = {"p", "h2", "h3", "li", "blockquote", "strong", "em", "a"}
CHANGED_CLASS = "rich-diff__changed"


def rich_text_change(model, name, old, new):
    """For a rich-text field of `model` changed from `old` to `new` (HTML), what templates
    show instead of the changed words alone: the rendered change and both sources; else {}."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a form's own field, not the model's
        return {}
    if not isinstance(field, RichTextField):
        return {}
    old, new = sanitize(old or "") or "", sanitize(new or "") or ""
    return {"rendered": rendered_diff(old, new), "old_source": old, "new_source": new}


def tokens(html):
    """Tags and words of sanitized HTML (its text already escaped, so output as it is)."""
    return [token for token in _TOKEN.findall(sanitize(html) or "") if not token.isspace()]


def compared(token):
    """What counts in comparing: a word without the spaces after it, a tag as it is."""
    return token if token.startswith("<") else token.rstrip()


def rendered_diff(old, new):
    """The new HTML with the words added in <ins>, the words removed in <del> where they
    were, and each tag that is new or changed (a paragraph made a heading) marked."""
    old_tokens, new_tokens = tokens(old), tokens(new)
    # Words anchor the comparison; tags only join the runs of words around them (otherwise a
    # lone "</p>" matched far away would tear the paragraphs apart).
    matcher = difflib.SequenceMatcher(
        lambda token: token.startswith("<"),
        a=[compared(token) for token in old_tokens],
        b=[compared(token) for token in new_tokens],
        autojunk=False,
    )
    out = RenderedDiff()
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            for token in new_tokens[new_start:new_end]:
                out.add(token)
            continue
        removed = old_tokens[old_start:old_end]
        out.remove(removed)
        # A tag that was there before (the same paragraph around other words) is no change.
        old_tags = [token for token in removed if token.startswith("<")]
        for token in new_tokens[new_start:new_end]:
            if token in old_tags:
                old_tags.remove(token)
                out.add(token)
            else:
                out.add(token, inserted=True)
    return mark_safe(out.html())


class RenderedDiff:
    """The output, built token by token: runs of words in one <ins> or <del>, never across a
    tag, so the new version's structure stays whole."""

    def __init__(self):
        self.parts, self.open_blocks, self.removed = [], [], []
        self.run = None  # "ins", "del" or None: the run of marked words now open

    def mark(self, kind):
        if self.run != kind:
            if self.run:
                self.parts.append(f"</{self.run}>")
            if kind:
                self.parts.append(f"<{kind}>")
            self.run = kind

    def remove(self, removed):
        """Words removed here, with the tags around them: those that were in a block starting
        within `removed` wait for the next block, rather than end the one open here."""
        in_next_block = False
        for token in removed:
            if not token.startswith("<"):
                self.removed.append([token, in_next_block])
            elif not token.startswith("</"):
                in_next_block = True

    def put_back_removed(self, here_only=False):
        """The removed words in <del>, a space between words that were in different blocks;
        with `here_only`, only those that were in the block open here."""
        count = len(self.removed)
        if here_only:
            count = next((i for i, (_, waits) in enumerate(self.removed) if waits), count)
        if count:
            self.mark("del")
            words = [word for word, _ in self.removed[:count]]
            self.parts += [word if word[-1].isspace() else f"{word} " for word in words[:-1]]
            self.parts.append(words[-1])
            del self.removed[:count]

    def add(self, token, inserted=False):
        if token.startswith("</"):
            if self.open_blocks and self.open_blocks[-1] in _TEXT_BLOCKS:
                self.put_back_removed(here_only=True)
            self.mark(None)
            self.parts.append(token)
            if self.open_blocks:
                self.open_blocks.pop()
        elif token.startswith("<"):
            self.mark(None)
            name = _OPENING_TAG.match(token)[1]
            if name != "br":
                self.open_blocks.append(name)
                for removed in self.removed:
                    removed[1] = False  # a new block: the words waiting for one go in it
            if inserted and name != "br":
                token = f'<{name} class="{CHANGED_CLASS}"{token[len(name) + 1 :]}'
            self.parts.append(token)
        else:
            self.put_back_removed(here_only=True)
            self.mark("ins" if inserted else None)
            self.parts.append(token)

    def html(self):
        if self.removed:  # removed at the very end, after the last block
            self.parts.append("<p>")
            self.put_back_removed()
            self.mark(None)
            self.parts.append("</p>")
        self.mark(None)
        return "".join(self.parts)


def around_changes(words, context, change_before, change_after):
    """Of an unchanged stretch of `words`, the `context` words next to each change."""
    kept_before = words[:context] if change_before else []
    kept_after = words[-context:] if change_after else []
    if len(words) <= len(kept_before) + len(kept_after) + 1:
        return words
    return [*kept_before, "…", *kept_after]


def marked_changes(old, new, context=None):
    """Old and new value for display; in texts, the words that changed are marked. With
    `context`, unchanged stretches keep only that many words beside each change ("…" for the
    rest): a list then shows where a long text changed, whole words, not its two ends."""
    if not (isinstance(old, str) and isinstance(new, str)):
        return {"old": old, "new": new}
    old_words, new_words = old.split(" "), new.split(" ")
    marked_old, marked_new = [], []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, old_start, old_end, new_start, new_end) in enumerate(opcodes):
        removed = " ".join(old_words[old_start:old_end])
        added = " ".join(new_words[new_start:new_end])
        if tag == "equal":
            words = old_words[old_start:old_end]
            if context is not None:
                words = around_changes(words, context, index > 0, index < len(opcodes) - 1)
            marked_old.append(escape(" ".join(words)))
            marked_new.append(escape(" ".join(words)))
            continue
        if removed:
            marked_old.append(format_html("<del>{}</del>", removed))
        if added:
            marked_new.append(format_html("<ins>{}</ins>", added))
    return {"old": mark_safe(" ".join(marked_old)), "new": mark_safe(" ".join(marked_new))}
