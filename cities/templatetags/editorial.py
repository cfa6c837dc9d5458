"""Template helpers for editors: minutes on the lockout page, versions in list forms."""

from django import template

from cities.edit_conflicts import Versions

register = template.Library()


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, rounded up so that a wait is never understated."""
    return -(-int(duration.total_seconds()) // 60)


@register.filter
def versions_of(rows):
    """The versions of a list's rows, remembered by its form so that saving the list
    (list_editable) cannot undo a change made after it was opened."""
    return Versions.of(rows).encode()
