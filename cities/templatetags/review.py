"""The admin dashboard's review sections: what awaits the user's review, and the user's own
submissions with their state. Each person sees only what they may act on."""

from django import template

from cities.dashboard import DASHBOARD_ITEMS
from cities.models import ReviewRequest
from cities.notifications import editing_path
from learningcities.editorial.permissions import may_publish

register = template.Library()


@register.inclusion_tag("admin/includes/review_dashboard.html", takes_context=True)
def review_dashboard(context):
    user = context["request"].user
    reviews = ReviewRequest.objects.select_related(
        "content_type", "submitted_by", "reviewer"
    ).prefetch_related("item")
    awaiting = []
    if may_publish(user):
        awaiting = list(reviews.awaiting().order_by("submitted_at", "pk")[: DASHBOARD_ITEMS + 1])
    # Only the user's own submissions: an uploader never sees anyone else's items here.
    mine = list(reviews.filter(submitted_by=user).latest_per_item()[:DASHBOARD_ITEMS])
    # Items deleted since they were submitted have nothing left to act on.
    awaiting, mine = ([r for r in found if r.item is not None] for found in (awaiting, mine))
    for submission in mine:
        submission.item_path = editing_path(type(submission.item), submission.object_id)
    return {
        "may_publish": may_publish(user),
        "awaiting": awaiting[:DASHBOARD_ITEMS],
        "more_awaiting": len(awaiting) > DASHBOARD_ITEMS,
        "mine": mine,
    }
