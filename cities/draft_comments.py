"""Comments on the fields of a draft: a reviewer comments on one field (or on a passage of a
text) of a draft; its author sees the comment beside the field, answers it and resolves it.
Whoever may change the item may comment, answer and resolve; the draft's author and last
editor, and the comment's writer, are told by mail, each in their language. Comments stay with
their draft when it is published or discarded: they are part of its history.
"""

from django.db import router, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcities import editorial
from learningcities.editorial.actions import announce
from learningcities.editorial.permissions import check

from .history import field_label
from .models import Draft, DraftComment, DraftState
from .notifications import draft_comments_path, editing_address, queue_mail, site_address
from .rich_text import markup_as_spaces
from .search import fold

MAX_TEXT = DraftComment._meta.get_field("text").max_length
MAX_QUOTE = DraftComment._meta.get_field("quote").max_length


class CommentError(Exception):
    """A comment, answer or resolution that cannot be made; the message says why."""


def commentable_fields(draft):
    """The fields of the draft's item a comment may be about, {column: name}, in the order
    of its content form ("narrative_es": "Narrative (Spanish)")."""
    model = draft.content_type.model_class()
    form = editorial.registration(model).content.form
    return {name: field_label(model, name) for name in form._meta.fields}


def drafted_text(draft, field):
    """The text of `field` in the draft as a reader sees it: markup as spaces, one space
    between words."""
    value = (draft.data.get(field) or [""])[0]
    return " ".join(markup_as_spaces(value).split())


def comments_of(draft):
    """The draft's comments (not the answers), oldest first, with their answers, each with
    the name of its field (`field_name`)."""
    names = commentable_fields(draft)
    comments = list(
        draft.comments.filter(answer_to=None)
        .select_related("author", "resolved_by")
        .prefetch_related("answers__author")
    )
    for comment in comments:
        comment.field_name = names.get(comment.field, comment.field)
    return comments


def open_comments(draft):
    """The draft's comments not yet resolved, as `comments_of` gives them."""
    return [comment for comment in comments_of(draft) if comment.resolved_at is None]


def _checked_text(text):
    text = text.strip()
    if not text:
        raise CommentError(_("Write the comment first."))
    if len(text) > MAX_TEXT:
        raise CommentError(_("A comment holds at most %(count)d characters.") % {"count": MAX_TEXT})
    return text


def _open_draft(draft_id, user):
    draft = Draft.objects.select_for_update().select_related("content_type").get(pk=draft_id)
    check(user, "change", draft.item)
    if draft.state != DraftState.OPEN:
        raise CommentError(
            _("This draft was already %(state)s.") % {"state": draft.get_state_display()}
        )
    return draft


def add(draft_id, user, field, text, quote=""):
    """`user`'s comment on `field` of the open draft (on the passage `quote` of it, which
    must be in the drafted text), mailed to the draft's author and last editor."""
    text, quote = _checked_text(text), " ".join(quote.split())
    with transaction.atomic(using=router.db_for_write(DraftComment)):
        draft = _open_draft(draft_id, user)
        fields = commentable_fields(draft)
        if field not in fields:
            raise CommentError(_("Choose the field the comment is about."))
        if len(quote) > MAX_QUOTE:
            raise CommentError(
                _("A passage holds at most %(count)d characters.") % {"count": MAX_QUOTE}
            )
        if quote and fold(quote) not in fold(drafted_text(draft, field)):
            raise CommentError(
                _("The passage is not in the draft's “%(field)s”: copy it from there.")
                % {"field": fields[field]}
            )
        comment = DraftComment.objects.create(
            draft=draft, field=field, quote=quote, text=text, author=user
        )
        _tell([draft.created_by, draft.updated_by], user, comment, "comment")
        announce("commented", draft.item, user, draft=draft)
    return comment


def answer(comment_id, user, text):
    """`user`'s answer to a comment, mailed to its writer and to the draft's author and last
    editor. An answer to an answer answers the comment it belongs to."""
    text = _checked_text(text)
    with transaction.atomic(using=router.db_for_write(DraftComment)):
        comment = DraftComment.objects.select_related("draft").get(pk=comment_id)
        comment = comment.answer_to or comment
        draft = _open_draft(comment.draft_id, user)
        reply = DraftComment.objects.create(
            draft=draft, field=comment.field, text=text, author=user, answer_to=comment
        )
        _tell([comment.author, draft.created_by, draft.updated_by], user, reply, "answer")
        announce("answered", draft.item, user, draft=draft)
    return reply


def resolve(comment_id, user):
    """The comment is settled; its writer is told. Resolving it again changes nothing."""
    with transaction.atomic(using=router.db_for_write(DraftComment)):
        comment = DraftComment.objects.select_for_update().get(pk=comment_id, answer_to=None)
        draft = _open_draft(comment.draft_id, user)
        if comment.resolved_at is None:
            comment.resolved_by, comment.resolved_at = user, timezone.now()
            comment.save(update_fields=["resolved_by", "resolved_at"])
            _tell([comment.author], user, comment, "resolved")
            announce("resolved", draft.item, user, draft=draft)
    return comment


SUBJECTS = {
    "comment": gettext_lazy("A comment on the draft of %(item)s"),
    "answer": gettext_lazy("An answer to a comment on the draft of %(item)s"),
    "resolved": gettext_lazy("A comment on the draft of %(item)s is resolved"),
}


def _tell(people, user, comment, event):
    """Mail what happened (`event`, a key of SUBJECTS) to `people`, not to the person who did
    it; the field is named in each reader's language."""
    draft = comment.draft
    model = draft.content_type.model_class()
    queue_mail(
        [person for person in people if person is not None and person.pk != user.pk],
        SUBJECTS[event],
        "cities/email/draft_comment.txt",
        {
            "event": event,
            "item": draft.item,
            "comment": comment,
            "person": user.get_full_name() or user.get_username(),
            "field": lazy(field_label, str)(model, comment.field),
            "comments_url": site_address(draft_comments_path(draft)),
            "item_url": editing_address(model, draft.object_id),
        },
    )
