from django.forms.models import inlineformset_factory

from learningcities.editorial.content import ContentForm

from .models import Note, NoteLink


class NoteForm(ContentForm):
    class Meta(ContentForm.Meta):
        model = Note
        fields = ["title", "body", "status", "published_at"]


NoteLinks = inlineformset_factory(Note, NoteLink, form=ContentForm, fields=["url"], extra=0)
