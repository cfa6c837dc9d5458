from django.apps import AppConfig


class EditorialTestappConfig(AppConfig):
    name = "tests.editorial_testapp"
    label = "editorial_testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from learningcities import editorial
        from learningcities.editorial.content import ContentForms

        from .forms import NoteForm, NoteLinks
        from .models import Note
        from .views import preview_note

        # All it takes for a content type to have drafts, review, history and a preview.
        editorial.register(
            Note,
            drafts=True,
            content=ContentForms(NoteForm, rows=(NoteLinks,)),
            review=True,
            history=True,
            preview=preview_note,
        )
