"""Photos with their credits and licences."""

import logging
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from learningcities.editorial.publishing import (
    Publishable,
    PublishableQuerySet,
    Status,
    view_permission,
)
from learningcities.storage import STORAGE_ERRORS

from .. import images, kept_uploads
from .network import City

logger = logging.getLogger(__name__)


class Licence(models.TextChoices):
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")
    CC0 = "cc0-1.0", "CC0 1.0"
    PUBLIC_DOMAIN = "public-domain", _("Public domain")
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_ND = "cc-by-nd-4.0", "CC BY-ND 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
    CC_BY_NC_ND = "cc-by-nc-nd-4.0", "CC BY-NC-ND 4.0"


LICENCE_URLS = {
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.PUBLIC_DOMAIN: "https://creativecommons.org/publicdomain/mark/1.0/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}


def photo_upload_to(photo, filename):
    """An unguessable name, in the folder that matches whether the photo is public."""
    return f"{images.photo_stem(photo.is_published)}.jpg"


class PhotoQuerySet(PublishableQuerySet):
    def for_user(self, user):
        """The photos `user` works on in the admin: their own, or everyone's for those who
        may change others' photos (editors). The twin of `Photo.may_be_changed_by`."""
        if user.has_perm("cities.change_others_photos"):
            return self.all()
        return self.filter(uploaded_by=user.pk)

    def public(self):
        """Published photos of published cities and of no city: the photos the public may
        see credited (the credits page, photos.csv). A photo of a draft city waits for it."""
        return self.published().filter(Q(city=None) | Q(city__in=City.objects.published()))

    def shown(self, user=None, at=None):
        """What is published, and of the rest only what `user` may see in the admin: an
        uploader sees their own drafts, not other uploaders'."""
        if user is not None and user.has_perm(view_permission(self.model)):
            return self.published(at) | self.for_user(user)
        return self.published(at)

    def cover_choices(self, city, user):
        """The photos `user` may make `city`'s cover (None: a city being added): the city's
        own photos first, then photos of no city; of those, published ones and the user's
        own, never another person's draft. The current cover stays a choice."""
        may_pick = Q(status=Status.PUBLISHED) | Q(uploaded_by=user.pk)
        if city is None:
            return self.filter(may_pick, city__isnull=True)
        return self.filter(
            (Q(city=city) | Q(city__isnull=True)) & may_pick | Q(pk=city.cover_photo_id)
        ).order_by(
            Case(When(city=city, then=Value(0)), default=Value(1)), *self.model._meta.ordering
        )

    def files_out_of_place(self):
        """Photos whose files are not in the folder their publication calls for: just
        published or made a draft, or a scheduled publication come due."""
        published = self.published()
        return self.filter(
            Q(pk__in=published, image__startswith=images.PRIVATE_PHOTOS_PREFIX)
            | (~Q(pk__in=published) & Q(image__startswith=images.PUBLIC_PHOTOS_PREFIX))
        )


def move_photo_files_to_match_publication():
    """Move the files of every photo whose publication changed to the public or private
    folder; a failure is logged and tried again on the next change (README, "Photos")."""
    # Imported here: the counter's module looks up this one's scheduled photos.
    from .content_version import ContentVersion

    moved = False
    for photo in Photo.objects.files_out_of_place():
        try:
            moved |= images.move_photo_files(photo, public=photo.is_published)
        except STORAGE_ERRORS:
            logger.exception("Could not move the files of photo %s", photo.pk)
    if moved:
        ContentVersion.bump()  # pages cached meanwhile name the old files


class AltTextField(models.CharField):
    """A photo's alt text: a plain text column, which the admin checks while it is written
    (learningcities.editorial.writing.check_alt_text)."""

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.widget.attrs["data-writing-check"] = "alt"
        return field

    def deconstruct(self):
        # Stored as any CharField: migrations need not know the admin's checks.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class Photo(Publishable):
    image = models.ImageField(
        _("image"),
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        help_text=_("A JPEG, PNG or WebP photo."),
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    title = models.CharField(_("title"), max_length=200)
    alt_text = AltTextField(
        _("alt text"),
        max_length=300,
        help_text=_(
            "Describe what the picture shows for people who cannot see it. "
            "Do not put the credit here: it is shown as a caption."
        ),
    )
    author = models.CharField(
        _("author"), max_length=200, blank=True, help_text=_("The photographer, if known.")
    )
    holder = models.CharField(
        _("holder institution"),
        max_length=200,
        blank=True,
        help_text=_("The institution that holds the rights, if any."),
    )
    author_unknown = models.BooleanField(
        _("author unknown"),
        default=False,
        help_text=_(
            "Tick only when neither author nor holder is known; “author unknown” is shown."
        ),
    )
    licence = models.CharField(
        _("licence"),
        max_length=30,
        choices=Licence.choices,
        default=Licence.ALL_RIGHTS_RESERVED,
    )
    source_url = models.URLField(
        _("source"), blank=True, help_text=_("Where the photo was published originally.")
    )
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("The original file name or archive number, e.g. Patrimonio_Quito_01."),
    )
    is_placeholder = models.BooleanField(
        _("placeholder"),
        default=False,
        help_text=_("A generated stand-in for a photo still to be supplied: replace it."),
    )
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        help_text=_("Photos of a city are shown in its gallery."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are shown first in the gallery.")
    )
    focal_x = models.PositiveSmallIntegerField(
        _("focal point, across"),
        default=50,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Where the subject is, in percent from the left edge (50 is the centre). "
            "Cropped cards keep this point in view."
        ),
    )
    focal_y = models.PositiveSmallIntegerField(
        _("focal point, down"),
        default=50,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Where the subject is, in percent from the top edge (50 is the centre)."),
    )
    renditions = models.JSONField(
        _("renditions"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("The smaller copies made for the pages, one entry per file."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="uploaded_photos",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["order", "-uploaded_at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        # Uploaders may change only their own photos; editors hold this one as well.
        permissions = [
            ("change_others_photos", _("Can change and delete photos uploaded by others"))
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.city_id:
            return f"{self.city.get_absolute_url()}#photo-{self.pk}"
        return reverse("cities:overview")

    def clean(self):
        super().clean()
        # An emptied focal point field means "the centre" again.
        self.focal_x = 50 if self.focal_x is None else self.focal_x
        self.focal_y = 50 if self.focal_y is None else self.focal_y
        if not (self.author.strip() or self.holder.strip() or self.author_unknown):
            raise ValidationError(
                _(
                    "Give the credit: the author, the holder institution, or tick "
                    "“author unknown” if neither is known."
                ),
                code="credit_required",
            )
        if self.author_unknown and self.author.strip():
            raise ValidationError(
                {"author_unknown": _("An author is named, so the author is not unknown.")},
                code="author_contradiction",
            )

    @property
    def credit(self):
        """Who to credit, as shown in the caption ("Author / Holder")."""
        names = [name for name in (self.author.strip(), self.holder.strip()) if name]
        if names:
            return " / ".join(names)
        return gettext("author unknown")

    @property
    def in_gallery(self):
        """Whether the photo is shown among its city's photos: every one but the cover, and
        never a placeholder. A placeholder only stands in for a cover still to come: replaced
        as cover, it leaves the gallery (and the credits name no page for it)."""
        return (
            self.city_id is not None
            and not self.is_placeholder
            and self.pk != self.city.cover_photo_id
        )

    @property
    def licence_url(self):
        return LICENCE_URLS.get(self.licence, "")

    @cached_property
    def picture(self):
        return images.Picture.of(self)

    def remake_renditions(self, replaced=None):
        """Make the image's renditions anew and store them on the row alone (no save, so no
        new version); the replaced rendition files are deleted once that is committed.

        `replaced`: what the row held before (default: `self.renditions`). Returns whether
        renditions were made.
        """
        old = images.Rendition.load(self.renditions if replaced is None else replaced)
        made = images.make_renditions(self.image.name) if self.image else []
        self.renditions = [rendition.as_dict() for rendition in made]
        Photo.objects.filter(pk=self.pk).update(renditions=self.renditions)
        self.__dict__.pop("picture", None)
        kept = {rendition.name for rendition in made}
        images.delete_files_on_commit(r.name for r in old if r.name not in kept)
        return bool(made)

    @property
    def focal_point_class(self):
        """CSS classes keeping the focal point in crops, in steps of 10 % (no inline style)."""
        return f"focus-x-{(self.focal_x + 5) // 10 * 10} focus-y-{(self.focal_y + 5) // 10 * 10}"

    def may_be_changed_by(self, user):
        return self.uploaded_by_id == user.pk or user.has_perm("cities.change_others_photos")

    def is_shown(self, user=None, at=None):
        """The single-object twin of `PhotoQuerySet.shown`."""
        return self.is_public_at(at or timezone.now()) or (
            user is not None
            and user.has_perm(view_permission(type(self)))
            and self.may_be_changed_by(user)
        )

    def file_url(self, name):
        """The address of one of this photo's files: the media address, except for a file in
        the private folder, the view that checks who asks (`cities.views.photo_file`)."""
        if self.pk is None or not name.startswith(images.PRIVATE_PHOTOS_PREFIX):
            return default_storage.url(name)
        return reverse("photo_file", args=[self.pk, PurePosixPath(name).name])

    def stored_file(self, file_name):
        """The storage name of this photo's file (original or rendition) called `file_name`,
        the last part of its `file_url`, or None."""
        stored = [self.image.name, *(r.name for r in images.Rendition.load(self.renditions))]
        return next((name for name in stored if PurePosixPath(name).name == file_name), None)

    @classmethod
    def extra_media_names(cls):
        """The files in use that no file field names (for `remove_orphaned_media`): the
        renditions, and photos kept for refused forms that have not yet expired."""
        for renditions in cls._base_manager.values_list("renditions", flat=True):
            for rendition in images.Rendition.load(renditions):
                yield rendition.name
        yield from kept_uploads.live_names()
