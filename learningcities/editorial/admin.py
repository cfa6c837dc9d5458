"""The engine's pages in the admin: the checks while writing that change forms ask for."""

import json

from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .writing import CHECK_KINDS, check_field

# More than the longest text field holds (a narrative of 20,000 characters, with its markup).
MAX_CHECKED_CHARACTERS = 100_000


def refused(message):
    return JsonResponse({"error": message}, status=400)


@require_POST
def writing_checks_view(request, site):
    """The checks of one field's value: {"kind": "rich"|"plain"|"alt", "language": "es",
    "text": "…", "file_name": "…", "first_heading_level": 2} → measures and findings, said in
    the editor's language. Nothing is stored."""
    try:
        asked = json.loads(request.body)
        kind, language, text = asked["kind"], asked["language"], asked["text"]
        file_name = str(asked.get("file_name", ""))[:500]
        first_heading_level = int(asked.get("first_heading_level", 2))
    except (ValueError, TypeError, KeyError):
        return refused(_("The checks need a field's kind, language and text."))
    if kind not in CHECK_KINDS or language not in dict(settings.LANGUAGES):
        return refused(_("Unknown kind of field or language."))
    if not isinstance(text, str) or len(text) > MAX_CHECKED_CHARACTERS:
        return refused(_("The text is too long to check."))
    if not 1 <= first_heading_level <= 6:
        return refused(_("Unknown kind of field or language."))
    return JsonResponse(check_field(kind, text, language, file_name, first_heading_level))


admin.site.register_page("writing-checks/", writing_checks_view, "writing_checks")
