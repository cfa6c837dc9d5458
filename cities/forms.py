from django import forms
from django.utils.translation import gettext_lazy as _

from . import images
from .search import MAX_QUERY_LENGTH


class PhotoImageField(forms.ImageField):
    """An image upload checked and cleaned by `cities.images` instead of Django's check.

    Django's own check accepts any format Pillow knows (GIF, BMP, TIFF…) and stores the
    uploaded bytes; this one accepts only photos and hands on a re-encoded, clean copy.
    """

    def __init__(self, **kwargs):
        kwargs["help_text"] = images.upload_help_text()
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return images.prepare_upload(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs["accept"] = ",".join(images.ACCEPTED_FORMATS.values())
        return attrs


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string; choices come from the data."""

    year = forms.TypedChoiceField(label=_("Year joined"), required=False, coerce=int)
    province = forms.ChoiceField(label=_("Province"), required=False)
    criterion = forms.ChoiceField(label=_("Criterion served"), required=False)

    def __init__(self, data, *, years, provinces, criteria):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["year"].choices = everything + [(str(year), year) for year in years]
        self.fields["province"].choices = everything + [(name, name) for name in provinces]
        self.fields["criterion"].choices = everything + [(c.slug, c.title) for c in criteria]


class SearchQueryField(forms.CharField):
    """A search query, cut to MAX_QUERY_LENGTH and shown back in the box as searched."""

    def to_python(self, value):
        # A very long query is cut, not refused: only its first words are searched anyway.
        return super().to_python(value)[:MAX_QUERY_LENGTH]

    def prepare_value(self, value):
        return self.to_python(value)


class SearchForm(forms.Form):
    q = SearchQueryField(
        label=_("Search for"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": MAX_QUERY_LENGTH, "autocomplete": "off"}),
    )
