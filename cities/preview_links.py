"""Preview links: a draft's preview shown to people without an account, through a link a
publisher makes. The link works for some days (7 unless chosen otherwise) and can be revoked;
each opening is logged; whoever has it may leave a comment, which reaches the draft's author
and the link's maker by mail, and the review page. The page is never indexed or cached
(cities.views.shared_preview)."""

from datetime import timedelta

from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcities.editorial.permissions import check

from .models import Draft, DraftState, PreviewComment, PreviewLink, PreviewOpening
from .models.preview_links import DEFAULT_VALIDITY
from .notifications import editing_address, queue_mail, site_address

# The whole days a publisher may choose for a link: long enough for a focal point's month,
# short enough that a forgotten link stops.
VALIDITY_DAYS = range(1, 31)


class PreviewLinkError(Exception):
    """A step on a link that cannot be taken; the message says why."""


def validity(days):
    """How long a new link works, from the number of days its maker typed."""
    typed = str(days).strip()
    if not typed.isdecimal() or int(typed) not in VALIDITY_DAYS:
        raise PreviewLinkError(
            _("Choose for how many days the link works: a whole number from %(first)d to %(last)d.")
            % {"first": VALIDITY_DAYS[0], "last": VALIDITY_DAYS[-1]}
        )
    return timedelta(days=int(typed))


def make_link(draft_id, user, valid_for=DEFAULT_VALIDITY):
    """A new link to the open draft's preview, made by `user`, who must be able to publish
    the item: whoever holds the link sees what they would publish."""
    with transaction.atomic(using=router.db_for_write(PreviewLink)):
        draft = Draft.objects.select_for_update().get(pk=draft_id)
        check(user, "publish", draft.item)
        if draft.state != DraftState.OPEN:
            raise PreviewLinkError(
                _("This draft was already %(state)s.") % {"state": draft.get_state_display()}
            )
        now = timezone.now()
        return PreviewLink.objects.create(
            draft=draft, created_by=user, created_at=now, expires_at=now + valid_for
        )


def revoke(link_id, user):
    """The link stops working at once; its openings and comments are kept."""
    with transaction.atomic(using=router.db_for_write(PreviewLink)):
        link = PreviewLink.objects.select_for_update().select_related("draft").get(pk=link_id)
        check(user, "publish", link.draft.item)
        if link.revoked_at is None:
            link.revoked_at, link.revoked_by = timezone.now(), user
            link.save(update_fields=["revoked_at", "revoked_by"])
        return link


def working_link(token):
    """The working link `token` names (None: not a link of this site, revoked, expired, or
    its draft published or discarded)."""
    link_id = PreviewLink.id_in(token)
    if link_id is None:
        return None
    return (
        PreviewLink.objects.working()
        .select_related("draft__content_type", "created_by")
        .filter(pk=link_id, created_by__is_active=True)
        .first()
    )


def record_opening(link):
    PreviewOpening.objects.create(link=link)


def leave_comment(link, name, text):
    """A comment from whoever holds `link`, mailed (each in their language) to the draft's
    author and last editor and to the link's maker."""
    with transaction.atomic(using=router.db_for_write(PreviewComment)):
        comment = PreviewComment.objects.create(link=link, name=name.strip(), text=text.strip())
        draft = link.draft
        queue_mail(
            [person for person in (draft.created_by, draft.updated_by, link.created_by) if person],
            gettext_lazy("A comment on the preview of %(item)s"),
            "cities/email/preview_comment.txt",
            {
                "comment": comment,
                "item": draft.item,
                "item_url": editing_address(draft.content_type.model_class(), draft.object_id),
                "preview_url": site_address(link.get_absolute_url()),
            },
        )
    return comment


def comments_on(draft):
    """The comments left through any link to `draft`, oldest first."""
    return PreviewComment.objects.filter(link__draft=draft).select_related("link")
