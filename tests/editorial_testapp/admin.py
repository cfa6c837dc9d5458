from django.contrib import admin

from .forms import NoteForm
from .models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    """Where a note is edited: the mails about its drafts and reviews link here."""

    form = NoteForm
