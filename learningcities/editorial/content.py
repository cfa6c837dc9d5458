"""Content forms: what a change to an item is made of, its own fields and its child rows, as
the forms that check and save it.

A content type with drafts registers them (`register(Model, content=ContentForms(...))`). The
admin builds its change forms on the same classes, so a draft kept from the admin's form is
applied here, by the domain, with every check a save makes, and no admin view or request.
"""

from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.dispatch import Signal
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from modeltranslation.fields import TranslationField
from modeltranslation.settings import DEFAULT_LANGUAGE

from .versions import OPENED_FIELD, Versions

# Sent once a person's content was saved through the content forms (a draft published):
# `items` are the item and those of its rows that were added or changed, `user` who saved
# them; inside the transaction that saved them.
content_saved = Signal()


class ContentRefused(Exception):
    """The content does not pass the forms' checks (or meets changes saved since); the
    message gives their own words."""


def content_formfield(db_field, **kwargs):
    """The form field of a content field, posted as the admin posts it: an address without
    a scheme taken as https, a date and time in two inputs, and the default language's text
    required where the field is (the other
    languages may wait for a translation), as django-modeltranslation's admin does."""
    if isinstance(db_field, models.URLField):
        # Addresses typed without a scheme are taken as https (Django 6's default).
        kwargs = {"assume_scheme": "https", **kwargs}
    if isinstance(db_field, models.DateTimeField):
        kwargs = {
            "form_class": forms.SplitDateTimeField,
            "widget": forms.SplitDateTimeWidget,
            **kwargs,
        }
    formfield = db_field.formfield(**kwargs)
    if (
        formfield is not None
        and isinstance(db_field, TranslationField)
        and db_field.language == DEFAULT_LANGUAGE
        and not db_field.translated_field.blank
    ):
        formfield.required = True
    return formfield


class ContentForm(forms.ModelForm):
    """Base of the content forms. `limit_choices(user)` narrows the choices to what `user` may
    pick (the admin does it for the person at the form; a draft's for its publisher)."""

    class Meta:
        formfield_callback = content_formfield

    def limit_choices(self, user):
        pass


@dataclass(frozen=True)
class ContentForms:
    """A content type's form and the formsets of its child rows (inline formsets of the
    item, prefixed by their relation's name, as the admin's inlines are)."""

    form: type[ContentForm]
    rows: tuple[type[BaseInlineFormSet], ...] = field(default_factory=tuple)

    def bind(self, item, data, user):
        return BoundContent(self, item, data, user)


class BoundContent:
    """The content forms filled with `data` (a QueryDict shaped as the admin's form posts it)
    for `item`, as `user` sees them."""

    def __init__(self, content, item, data, user):
        self.item, self.data = item, data
        self.form = content.form(data, instance=item)
        self.form.limit_choices(user)
        self.formsets = [
            FormSet(data, instance=item, prefix=FormSet.get_default_prefix())
            for FormSet in content.rows
        ]

    def opened_versions(self):
        """The versions of the item and its rows the form was opened on (None: not said, or
        not readable), limited to the rows that are, or ever were, the item's."""
        # Rows of a kind without history have no versions to compare.
        models_and_links = [
            (formset.model, formset.fk.attname)
            for formset in self.formsets
            if hasattr(formset.model, "history")
        ]
        opened = Versions.decode(
            self.data.get(OPENED_FIELD, ""), [type(self.item), *(m for m, _l in models_and_links)]
        )
        return opened and opened.limited_to(type(self.item), self.item.pk, models_and_links)

    def errors(self):
        """What the forms refuse, in their own words ("Field: message")."""
        errors = [
            f"{self.form.fields[name].label if name in self.form.fields else ''}: {' '.join(e)}"
            for name, e in self.form.errors.items()
        ]
        for formset in self.formsets:
            for row_errors in formset.errors:
                errors += [" ".join(e) for e in row_errors.values()]
            errors += list(formset.non_form_errors())
        return [error.strip(": ") for error in errors]

    def is_valid(self):
        # Every form checked, so that `errors()` names them all.
        return all([self.form.is_valid(), *(formset.is_valid() for formset in self.formsets)])

    def save(self, user, reason):
        """Check the content and save it as `user`, recording `reason` in the item's history,
        in the caller's transaction. Raises `ContentRefused` and saves nothing when the forms
        refuse it or a row was changed since the form was opened."""
        opened = self.opened_versions()
        if opened is not None and opened.differing(opened.now(lock=True)):
            raise ContentRefused(_("The published version was changed after this draft was saved."))
        if not self.is_valid():
            raise ContentRefused("; ".join(self.errors()) or _("The form refused the changes."))
        item = self.form.save(commit=False)
        item._history_user, item._change_reason = user, reason
        item.save()
        self.form.save_m2m()
        saved = [item]
        for formset in self.formsets:
            for row in formset.save(commit=False):
                row._history_user = user
                row.save()
                saved.append(row)
            for row in formset.deleted_objects:
                row._history_user = user
                row.delete()
            formset.save_m2m()
        content_saved.send(sender=type(item), items=saved, user=user)
        return item
