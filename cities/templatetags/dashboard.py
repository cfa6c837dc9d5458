"""The admin dashboard's sections of what each person may act on (cities.dashboard)."""

from django import template

from cities import dashboard as sections

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def dashboard(context):
    return sections.dashboard(context["request"])


@register.inclusion_tag("admin/includes/my_changes.html", takes_context=True)
def my_changes(context):
    return {"my_changes": sections.my_recent_changes(context["request"].user)}
