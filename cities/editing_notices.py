"""Editing notices: who else has an item's admin form open, and since when.

An open change form says "still here" to its item's `editing/` address every few seconds
(static/cities/admin/editing-notices.js) and is answered with who else is there; closing the
page says goodbye, so the others' notice goes at once. The page is rendered with the notice
too, so that it shows without JavaScript.
"""

from django.conf import settings
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import EditingSession


def notice_of(session, obj):
    """The sentence naming someone who has `obj`'s form open, in the current time zone."""
    opened = timezone.localtime(session.opened_at)
    values = {
        "name": session.editor_name,
        "item": obj._meta.verbose_name,
        "time": opened.strftime("%H:%M"),
    }
    if opened.date() == timezone.localdate():
        return _("%(name)s has been editing this %(item)s since %(time)s.") % values
    return _("%(name)s has been editing this %(item)s since %(date)s at %(time)s.") % {
        **values,
        # The day as every date in the admin is written; the time as its time fields show it.
        "date": date_format(opened, "DATE_FORMAT"),
    }


class EditingNoticesAdmin:
    """ModelAdmin mixin: the notice on the change form and the address its script polls."""

    editing_poll_seconds = 15

    @property
    def editing_idle_seconds(self):
        """Polls are requests, and every request renews the login: a form left with no one at
        it stops polling after the site's idle time, so that the login still ends."""
        return settings.SESSION_COOKIE_AGE

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/editing/",
                self.admin_site.admin_view(self.editing_view),
                name="{}_{}_editing".format(*info),
            ),
            *super().get_urls(),
        ]

    def editing_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # Through the admin's own queryset: an uploader asking about someone else's photo
        # gets the same 404 as for a photo that does not exist.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if "leaving" in request.POST:
            EditingSession.left(request.user, obj)
            return HttpResponse(status=204)
        try:
            EditingSession.still_here(request.user, obj)
        except OperationalError:
            # The database is busy with someone's save: this round is skipped and the next
            # counts. A notice is advice; it must never hold up a save, nor fail the page.
            return HttpResponse(status=204)
        return JsonResponse({"others": self.others_editing(request, obj)})

    def others_editing(self, request, obj):
        return [
            {
                "name": session.editor_name,
                "since": session.opened_at.isoformat(),
                "message": notice_of(session, obj),
            }
            for session in EditingSession.others_on(obj, request.user)
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            # Someone who may only view the item is not editing it: they see the notice,
            # but no one is told about them.
            poll_url = ""
            if self.has_change_permission(request, obj):
                EditingSession.still_here(request.user, obj)
                poll_url = reverse(
                    f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_editing",
                    args=[quote(obj.pk)],
                )
            context["editing_notice"] = {
                "others": self.others_editing(request, obj),
                "advice": _("Agree with them who saves first, so that no one loses their changes."),
                "poll_url": poll_url,
                "poll_seconds": self.editing_poll_seconds,
                "idle_seconds": self.editing_idle_seconds,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        # Saved and leaving the form: gone from the others' notice now, not when it expires.
        # (The script says no goodbye for a submitted form: the next page may be this form.)
        if "_continue" not in request.POST:
            EditingSession.left(request.user, obj)
        return super().response_change(request, obj)
