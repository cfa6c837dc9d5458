from django import forms

from . import images


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
