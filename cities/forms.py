from django import forms
from django.contrib.admin.widgets import AdminFileWidget, RelatedFieldWidgetWrapper
from django.forms.boundfield import BoundField
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from . import images, kept_uploads
from .search import MAX_QUERY_LENGTH

THUMBNAIL_WIDTH = 96


def thumbnail_html(photo, width=THUMBNAIL_WIDTH):
    """A photo's smallest rendition at `width` pixels across, for the admin; "—" for none."""
    if not photo or not photo.image:
        return "—"
    height = round(width * photo.height / photo.width) if photo.width else width
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}">',
        photo.picture.smallest_src,
        width,
        height,
        photo.alt_text,
    )


class CoverPhotoPicker(forms.RadioSelect):
    """The cover photo chosen by its picture: each choice shows its thumbnail and title."""

    def __init__(self, attrs=None):
        super().__init__({"class": "cover-photo-picker", **(attrs or {})})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        photo = getattr(value, "instance", None)
        if photo is not None:
            option["label"] = format_html("{}<span>{}</span>", thumbnail_html(photo), label)
        return option

    class Media:
        css = {"all": ["cities/admin/cover-photo-picker.css"]}


class AddWithInitialValues(RelatedFieldWidgetWrapper):
    """The "+" beside a related field opens the add form with `initial` filled in (a new
    program from a city's form starts in that city)."""

    def __init__(self, wrapper, initial):
        super().__init__(
            wrapper.widget,
            wrapper.rel,
            wrapper.admin_site,
            can_add_related=wrapper.can_add_related,
            can_change_related=wrapper.can_change_related,
            can_delete_related=wrapper.can_delete_related,
            can_view_related=wrapper.can_view_related,
        )
        self.initial = initial

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The parameters of all its links; the change form ignores them.
        context["url_params"] += "&" + urlencode(self.initial)
        return context


class PhotoImageWidget(AdminFileWidget):
    """The admin's file input, offering again a photo kept from a refused form."""

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        signed = data.get(kept_uploads.kept_field_name(name))
        if upload is None and signed:  # a file chosen now replaces the kept one
            return kept_uploads.KeptChoice(signed, name)
        return upload

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and (
            kept_uploads.kept_field_name(name) not in data
        )

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(value, kept_uploads.KeptUpload):
            return super().render(name, value, attrs, renderer)
        # The kept photo stands in for a file: the form may be sent without choosing one.
        attrs = {attr: given for attr, given in (attrs or {}).items() if attr != "required"}
        thumbnail = value.thumbnail
        kept = format_html(
            '<p class="kept-upload"><input type="hidden" name="{}" value="{}">'
            '<img src="{}" width="{}" height="{}" alt=""> {}</p>',
            kept_uploads.kept_field_name(name),
            value.signed,
            thumbnail.src,
            thumbnail.width,
            thumbnail.height,
            _(
                "Kept: %(name)s (%(width)s by %(height)s pixels, %(size)s) — choose another "
                "file to replace it."
            )
            % {
                "name": value.original_name,
                "width": thumbnail.photo_width,
                "height": thumbnail.photo_height,
                "size": filesizeformat(value.size),
            },
        )
        return kept + super().render(name, None, attrs, renderer)


class PhotoImageBoundField(BoundField):
    def value(self):
        # A bound form is shown again only when the page was refused: a photo that passed
        # the checks is kept then, and offered instead of an empty file input.
        return self.field.keep(self.html_name) or super().value()


class PhotoImageField(forms.ImageField):
    """An image upload checked and cleaned by `cities.images` instead of Django's check.

    Django's own check accepts any format Pillow knows (GIF, BMP, TIFF…) and stores the
    uploaded bytes; this one accepts only photos and hands on a re-encoded, clean copy.
    Given the uploader (`user`), it keeps that copy for them when the page is refused for
    another field (see `cities.kept_uploads`), unless told not to (`keeps_uploads`).
    """

    widget = PhotoImageWidget

    def __init__(self, *, user=None, keeps_uploads=True, **kwargs):
        kwargs["help_text"] = images.upload_help_text()
        super().__init__(**kwargs)
        self.user = user
        self.keeps_uploads = keeps_uploads and user is not None and user.is_authenticated
        self.checked = None  # (clean photo, uploaded file's name) once an upload passed
        self.kept = None

    def to_python(self, data):
        if isinstance(data, kept_uploads.KeptChoice):
            self.kept = kept_uploads.find(data, self.user)
            return self.kept.content()
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        photo = images.prepare_upload(upload)
        self.checked = (photo, upload.name)
        return photo

    def keep(self, field_name):
        """The kept upload to offer again, stored now if the form's upload was not yet."""
        if self.kept is None and self.checked and self.keeps_uploads:
            photo, original_name = self.checked
            photo.seek(0)
            self.kept = kept_uploads.keep(photo, original_name, self.user, field_name)
            self.checked = None
        return self.kept

    def get_bound_field(self, form, field_name):
        return PhotoImageBoundField(form, self, field_name)

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
        # "Todas", in Spanish: provincia is feminine.
        all_provinces = [("", pgettext("all provinces", "All"))]
        self.fields["province"].choices = all_provinces + [(name, name) for name in provinces]
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


class PreviewCommentForm(forms.Form):
    """A comment on a draft's preview from someone holding a preview link."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    text = forms.CharField(
        label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
