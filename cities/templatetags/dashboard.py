"""The admin dashboard's sections of what each person may act on (cities.dashboard)."""

from django import template

from cities import dashboard as sections

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def dashboard(context):
    return sections.dashboard(context["request"])
