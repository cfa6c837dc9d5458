from django import forms
from django.utils.translation import gettext_lazy as _

from .search import MAX_QUERY_LENGTH


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


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, strip=True)

    def clean_q(self):
        # A very long query is cut, not refused: only its first words are searched anyway.
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH]
