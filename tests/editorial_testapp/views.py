from django.template import engines
from django.template.response import TemplateResponse

NOTE_PAGE = engines["django"].from_string("<h1>{{ note.title }}</h1>{{ note.body }}")


def preview_note(note, user, draft):
    """The note's page, as it would be with the draft published."""

    def page(request):
        return TemplateResponse(request, NOTE_PAGE, {"note": note, "draft_preview": draft})

    return page
