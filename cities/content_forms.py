"""The content forms of the types with drafts: the fields a change to each is made of, and a
city's rows (programs, photos, awards). The admin's change forms are built on these classes
(its layout, widgets and help around them); a draft is checked and applied with them by the
editorial engine (learningcities.editorial.content), with no admin view.

A field added to an admin form is added here too: `tests/test_content_forms.py` compares them.
"""

from django.forms.models import inlineformset_factory
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from learningcities.editorial.content import ContentForm, ContentForms

from .history import field_label
from .models import City, Criterion, LearningCityAward, Photo, Program, SiteText


def translated(*names):
    """Each of `names` in every language (name_es, name_en…)."""
    return [build_localized_fieldname(name, code) for name in names for code in AVAILABLE_LANGUAGES]


class LabelledContentForm(ContentForm):
    """Each language's field named as everywhere else, "Name (Spanish)", not "Name [es]" as
    django-modeltranslation would: its refusals, read out of any form, say so too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, formfield in self.fields.items():
            if getattr(self._meta.model._meta.get_field(name), "language", None):
                formfield.label = field_label(self._meta.model, name)


class CityForm(LabelledContentForm):
    class Meta(ContentForm.Meta):
        model = City
        fields = [
            *translated("name"),
            "slug",
            "status",
            "published_at",
            "year_joined",
            *translated("tagline", "narrative"),
            "cover_photo",
            "country",
            "province",
            "latitude",
            "longitude",
            "population",
            "population_year",
            "population_source",
            "website",
            "uil_profile_url",
            "mayor",
            "mayor_since",
            "mayor_source_url",
            "focal_point_name",
            *translated("focal_point_role", "focal_point_institution", "vision"),
            "profile_source_url",
        ]

    def limit_choices(self, user):
        if "cover_photo" in self.fields:
            self.fields["cover_photo"].queryset = Photo.objects.cover_choices(self.instance, user)


class ProgramForm(LabelledContentForm):
    class Meta(ContentForm.Meta):
        model = Program
        fields = [
            "city",
            *translated("name"),
            "slug",
            "status",
            "published_at",
            *translated("summary", "description"),
            "criteria",
            "theme",
            "is_good_practice",
            "lifecycle",
            "replaced_by",
            "start_year",
            "order",
            "website",
            "source_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the program is put last in its city's list (`Program.save`).
        if "order" in self.fields:
            self.fields["order"].required = False


class PhotoForm(LabelledContentForm):
    class Meta(ContentForm.Meta):
        model = Photo
        fields = [
            "image",
            *translated("title", "alt_text"),
            "city",
            "status",
            "published_at",
            "author",
            "holder",
            "author_unknown",
            "licence",
            "source_url",
            "reference",
            "focal_x",
            "focal_y",
            "order",
            "is_placeholder",
        ]


class CriterionForm(LabelledContentForm):
    class Meta(ContentForm.Meta):
        model = Criterion
        fields = ["kind", *translated("title"), "slug", *translated("statement"), "order"]


class SiteTextForm(LabelledContentForm):
    class Meta(ContentForm.Meta):
        model = SiteText
        fields = ["key", *translated("text")]


# A city's rows, as its form shows them: the fields of each row's line and of its details.
CityPrograms = inlineformset_factory(
    City,
    Program,
    form=ProgramForm,
    fields=[
        *translated("name"),
        "status",
        "order",
        "slug",
        *translated("summary"),
        "criteria",
        "theme",
        "is_good_practice",
        "source_url",
        "lifecycle",
        "replaced_by",
        "published_at",
    ],
    extra=0,
)
CityPhotos = inlineformset_factory(
    City,
    Photo,
    form=PhotoForm,
    fields=[
        *translated("title"),
        "status",
        "order",
        "image",
        *translated("alt_text"),
        "author",
        "holder",
        "licence",
    ],
    extra=0,
)
CityAwards = inlineformset_factory(
    City, LearningCityAward, form=ContentForm, fields=["year", "source_url"], extra=0
)

CITY = ContentForms(CityForm, rows=(CityPrograms, CityPhotos, CityAwards))
PROGRAM = ContentForms(ProgramForm)
PHOTO = ContentForms(PhotoForm)
CRITERION = ContentForms(CriterionForm)
SITE_TEXT = ContentForms(SiteTextForm)
