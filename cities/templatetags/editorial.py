"""Template helpers for editors: the admin dashboard note and the lockout page."""

from django import template
from django.urls import reverse

from cities.edit_conflicts import Versions
from cities.models import City, Photo, Program, PublicationState, view_permission

register = template.Library()

# How many drafts and scheduled items of each kind the dashboard lists by name.
DASHBOARD_ITEMS = 10


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, rounded up so that a wait is never understated."""
    return -(-int(duration.total_seconds()) // 60)


@register.inclusion_tag("admin/includes/editorial_dashboard.html", takes_context=True)
def editorial_dashboard(context):
    """Drafts and scheduled items the user may see, each kind with links to the lists."""
    user = context["request"].user
    sections = []
    for model in (City, Program, Photo):
        if not user.has_perm(view_permission(model)):
            continue
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for state in (PublicationState.DRAFT, PublicationState.SCHEDULED):
            items = model.objects.visible_to(user).in_state(state).order_by("published_at", "pk")
            items = list(items[: DASHBOARD_ITEMS + 1])
            if items:
                sections.append(
                    {
                        "title": f"{opts.verbose_name_plural}",
                        "state": state,
                        "items": items[:DASHBOARD_ITEMS],
                        "more": len(items) > DASHBOARD_ITEMS,
                        "list_url": f"{changelist}?publication={state.value}",
                        "admin_url": f"admin:{opts.app_label}_{opts.model_name}_change",
                    }
                )
    return {"sections": sections}


@register.filter
def versions_of(rows):
    """The versions of a list's rows, remembered by its form so that saving the list
    (list_editable) cannot undo a change made after it was opened."""
    return Versions.of(rows).encode()
