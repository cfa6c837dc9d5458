import logging
from datetime import UTC, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from learningcities.storage import STORAGE_ERRORS

from . import images, kept_uploads

logger = logging.getLogger(__name__)

# The UNESCO Global Network of Learning Cities was founded in 2013 (Beijing Declaration).
GNLC_FOUNDING_YEAR = 2013
# The first UNESCO Learning City Award round was in 2015.
FIRST_AWARD_YEAR = 2015


def validate_not_in_future(year):
    current_year = timezone.localdate().year
    if year > current_year:
        raise ValidationError(
            _("%(year)s is in the future; the latest allowed year is %(current)s."),
            params={"year": year, "current": current_year},
            code="future_year",
        )


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class PublicationState(models.TextChoices):
    """What the public sees of an item now: its status, with "published" split by date."""

    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class PublishableQuerySet(models.QuerySet):
    """The one place that decides what the public may see.

    Published means status "published" and a publication date-time that has passed, so
    scheduled items appear on their own, without any background job. An item published
    without a date (e.g. by a bulk update) counts as published at once.
    """

    def published(self, at=None):
        at = at or timezone.now()
        return self.filter(
            Q(published_at__isnull=True) | Q(published_at__lte=at), status=Status.PUBLISHED
        )

    def scheduled(self, at=None):
        return self.filter(status=Status.PUBLISHED, published_at__gt=at or timezone.now())

    def in_state(self, state):
        if state == PublicationState.PUBLISHED:
            return self.published()
        if state == PublicationState.SCHEDULED:
            return self.scheduled()
        return self.filter(status=state)

    def visible_to(self, user):
        """Everything for people who may view it in the admin, else what is published."""
        return self.shown(user=user)

    def shown(self, user=None, at=None):
        """What a page may show: what is published at `at` (now by default), and everything
        for a `user` who may view it in the admin (staff see drafts, marked as such)."""
        if user is not None and user.has_perm(view_permission(self.model)):
            return self.all()
        return self.published(at)


def view_permission(model):
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def change_permission(model):
    return f"{model._meta.app_label}.change_{model._meta.model_name}"


class Publishable(models.Model):
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "Only published items are shown to the public, from their publication date on. "
            "Archived items are kept but no longer shown."
        ),
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When a published item becomes public. Leave empty to publish at once; "
            "a date in the future schedules it."
        ),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Record when an item went public, so the admin shows it and a later re-publish
        # does not move it.
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    def is_public_at(self, at):
        """The single-object twin of `PublishableQuerySet.published(at)`."""
        return self.status == Status.PUBLISHED and (
            self.published_at is None or self.published_at <= at
        )

    @property
    def is_published(self):
        return self.is_public_at(timezone.now())

    @property
    def publication_state(self):
        """The single-object twin of `PublishableQuerySet.in_state`."""
        if self.status != Status.PUBLISHED:
            return PublicationState(self.status)
        if self.is_published:
            return PublicationState.PUBLISHED
        return PublicationState.SCHEDULED

    def is_visible_to(self, user):
        """The single-object twin of `PublishableQuerySet.visible_to`."""
        return self.is_shown(user=user)

    def is_shown(self, user=None, at=None):
        """The single-object twin of `PublishableQuerySet.shown`: it also decides whether a
        page may name this item through a relation (a cover, a successor), so that nothing
        a visitor may not open is named to them."""
        return self.is_public_at(at or timezone.now()) or (
            user is not None and user.has_perm(view_permission(type(self)))
        )


def shown_or_none(item, user=None, at=None):
    """`item` (a related Publishable, or None) if a page may show it, else None."""
    return item if item is not None and item.is_shown(user, at) else None


class CriterionQuerySet(models.QuerySet):
    def building_blocks(self):
        """The six criteria a learning city works on: what the public pages list."""
        return self.filter(kind=Criterion.Kind.BUILDING_BLOCK)


class Criterion(models.Model):
    """One element of UNESCO's Key Features of Learning Cities (the "temple")."""

    class Kind(models.TextChoices):
        BUILDING_BLOCK = "building_block", _("building block")
        WIDER_BENEFIT = "wider_benefit", _("wider benefit")
        FUNDAMENTAL_CONDITION = "fundamental_condition", _("fundamental condition")

    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=Kind.choices,
        default=Kind.BUILDING_BLOCK,
        help_text=_(
            "Building blocks are the six criteria a learning city works on; wider benefits "
            "and fundamental conditions complete UNESCO's framework."
        ),
    )
    title = models.CharField(
        _("short title"),
        max_length=120,
        help_text=_("A few words, e.g. “Learning in families and communities”."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    statement = models.TextField(
        _("full statement"),
        help_text=_("The whole sentence as UNESCO words it, completing “a learning city …”."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('cities:criteria')}#criterion-{self.slug}"


class City(Publishable):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Part of the page address.")
    )
    country = models.CharField(_("country"), max_length=100, default="Ecuador")
    province = models.CharField(_("province"), max_length=100, blank=True)
    year_joined = models.PositiveSmallIntegerField(
        _("year joined"),
        validators=[MinValueValidator(GNLC_FOUNDING_YEAR), validate_not_in_future],
        help_text=_("The year the city joined the UNESCO Global Network of Learning Cities."),
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=160,
        blank=True,
        help_text=_("One line shown under the city's name on the overview."),
    )
    narrative = models.TextField(
        _("narrative"),
        help_text=_("What the city does as a learning city. Separate paragraphs by a blank line."),
    )
    cover_photo = models.ForeignKey(
        "Photo",
        verbose_name=_("cover photo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_cities",
        help_text=_("The main picture of the city, shown on the overview and the city page."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees, negative south of the equator (Quito: -0.18065)."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees, negative west of Greenwich (Quito: -78.46784)."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("population year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), validate_not_in_future],
        help_text=_("The year the population figure refers to."),
    )
    population_source = models.URLField(
        _("population source"),
        blank=True,
        help_text=_("Where the population figure comes from, e.g. the national census."),
    )
    website = models.URLField(_("official website"), blank=True)
    uil_profile_url = models.URLField(
        _("UNESCO member profile"),
        blank=True,
        help_text=_("The city's page on the UNESCO Institute for Lifelong Learning site."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["year_joined", "name"]
        indexes = [
            # Lists of published cities read a page in year order and stop, instead of
            # sorting the whole network (names are sorted only within a year: by the column
            # of the visitor's language, which one index could not cover for both).
            models.Index(fields=["status", "year_joined"], name="city_listing_order"),
        ]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Addresses never break: whatever saves a new slug (the admin, a restore from the
        # history, a publication, a script), the old one keeps leading to this city. Here
        # rather than in a signal, so that rows loaded from a backup (saved "raw", with
        # their former slugs) are left as they are.
        if not slug_is_saved(kwargs):
            return super().save(*args, **kwargs)
        with transaction.atomic():
            stored_slug = (
                City._base_manager.filter(pk=self.pk).values_list("slug", flat=True).first()
            )
            holder = self.slug_holder()
            if holder is not None:
                # A script that skipped validation is stopped, as a duplicate slug would be.
                raise ValidationError(holder.taken_message(), code="former_slug")
            super().save(*args, **kwargs)
            if stored_slug is not None and stored_slug != self.slug:
                # Renaming back: the slug is an address again, not a redirect.
                self.former_slugs.filter(slug=self.slug).delete()
                FormerCitySlug.objects.create(city=self, slug=stored_slug)

    def get_absolute_url(self):
        return reverse("cities:detail", kwargs={"slug": self.slug})

    def slug_holder(self):
        """The former slug of another city that this city's slug would take over, if any."""
        return (
            FormerCitySlug.objects.filter(slug=self.slug)
            .exclude(city_id=self.pk)
            .select_related("city")
            .first()
        )

    def validate_unique(self, exclude=None):
        # A slug that still leads to another city is taken, like the current slug of one;
        # checked here, so that every model form (the admin's, its restore) says so.
        errors = {}
        try:
            super().validate_unique(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "slug" not in (exclude or ()) and "slug" not in errors:
            holder = self.slug_holder()
            if holder is not None:
                errors["slug"] = [holder.taken_message()]
        if errors:
            raise ValidationError(errors)

    def cover_for(self, user=None, at=None):
        """The cover photo if a page may show it (see `Publishable.is_shown`), else None."""
        return shown_or_none(self.cover_photo, user, at)

    @property
    def public_cover(self):
        return self.cover_for()

    def clean(self):
        super().clean()
        if (self.population is None) != (self.population_year is None):
            raise ValidationError(
                _("Give the population together with the year it refers to."),
                code="population_year",
            )
        if self.cover_photo_id and self.cover_photo.city_id not in (None, self.pk):
            raise ValidationError(
                {"cover_photo": _("This photo belongs to another city.")}, code="foreign_cover"
            )


class LearningCityAward(models.Model):
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="awards"
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(FIRST_AWARD_YEAR), validate_not_in_future],
        help_text=_("The round of the UNESCO Learning City Award (2015, 2017, 2019, 2021, 2024…)."),
    )
    source_url = models.URLField(
        _("source"), blank=True, help_text=_("A UNESCO page that names the city as awardee.")
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("UNESCO Learning City Award")
        verbose_name_plural = _("UNESCO Learning City Awards")
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="unique_award_per_city_year")
        ]

    def __str__(self):
        return _("%(city)s, %(year)s") % {"city": self.city, "year": self.year}


class ProgramQuerySet(PublishableQuerySet):
    def public(self):
        """Published programs of published cities: the programs the public pages list."""
        return self.published().filter(city__in=City.objects.published())


class Program(Publishable):
    class Lifecycle(models.TextChoices):
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")
        REPLACED = "replaced", _("replaced")

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, help_text=_("Unique within the city."))
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One or two sentences.")
    )
    description = models.TextField(_("description"), blank=True)
    criteria = models.ManyToManyField(
        Criterion,
        verbose_name=_("criteria served"),
        blank=True,
        related_name="programs",
        help_text=_("The UNESCO learning-city criteria this program works on."),
    )
    lifecycle = models.CharField(
        _("lifecycle"),
        max_length=20,
        choices=Lifecycle.choices,
        default=Lifecycle.ACTIVE,
        help_text=_("Programs change: mark ended ones, and link a replaced one to its successor."),
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        help_text=_("The program that continues this one, if it was renamed or replaced."),
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), validate_not_in_future],
    )
    website = models.URLField(_("website"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are listed first on the city page.")
    )
    # On the row rather than in a table of its own, so that the city page reads them without
    # another query.
    former_slugs = models.JSONField(
        _("former slugs"),
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "Slugs the program had before: its city's page keeps an anchor for each, so that "
            "links shared with them still land on the program."
        ),
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="unique_program_slug_per_city")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A program's address is an anchor on its city's page: links shared with a former
        # slug keep landing on the program, whatever saved the new one.
        if not slug_is_saved(kwargs):
            return super().save(*args, **kwargs)
        with transaction.atomic():
            stored = (
                Program._base_manager.filter(pk=self.pk)
                .values("slug", "city_id", "former_slugs")
                .first()
            )
            if stored is None:
                former = self.former_slugs
            elif stored["city_id"] != self.city_id:
                # Its former anchors were on the other city's page, whose address it left.
                former = []
            else:
                # The stored list, not the instance's: an old version being restored carries
                # none (the history leaves them out), and none may be lost.
                former = [*stored["former_slugs"], stored["slug"]]
            self.former_slugs = list(dict.fromkeys(slug for slug in former if slug != self.slug))
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "former_slugs"}
            super().save(*args, **kwargs)
            if stored is None or (stored["slug"], stored["city_id"]) != (self.slug, self.city_id):
                self.take_anchors_from_other_programs()

    def get_absolute_url(self):
        return self.url_on_city_page(self.city.get_absolute_url())

    def successor_for(self, user=None, at=None):
        """The program replacing this one if a page may name it, else None."""
        return shown_or_none(self.replaced_by, user, at)

    @property
    def public_successor(self):
        return self.successor_for()

    def url_on_city_page(self, city_url):
        """The program's entry on its city's page at `city_url`: lists of many programs work
        out each city's address once instead of once per program."""
        return f"{city_url}#program-{self.slug}"

    def take_anchors_from_other_programs(self):
        """One element per id on a page: a slug this program holds, now or before, is no
        longer a former slug of another program of its city."""
        held = {self.slug, *self.former_slugs}
        others = Program._base_manager.filter(city_id=self.city_id).exclude(pk=self.pk)
        for pk, former in others.values_list("pk", "former_slugs"):
            kept = [slug for slug in former if slug not in held]
            if kept != former:
                Program._base_manager.filter(pk=pk).update(former_slugs=kept)

    def clean(self):
        super().clean()
        if self.replaced_by_id is not None:
            if self.pk is not None and self.replaced_by_id == self.pk:
                raise ValidationError(
                    {"replaced_by": _("A program cannot replace itself.")}, code="self_replacement"
                )
            if self.lifecycle != self.Lifecycle.REPLACED:
                raise ValidationError(
                    {"lifecycle": _("Choose “replaced” when a successor program is given.")},
                    code="lifecycle_mismatch",
                )


def slug_is_saved(save_kwargs):
    update_fields = save_kwargs.get("update_fields")
    return update_fields is None or "slug" in update_fields


class FormerCitySlug(models.Model):
    """A slug a city had: its old addresses, in every language, redirect to its page.

    Pointing at the city rather than at the next slug makes chains collapse by construction
    (a→b→c: "a" leads straight to the city now at "c").
    """

    slug = models.SlugField(_("former slug"), max_length=100, unique=True)
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="former_slugs"
    )
    created_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("former city slug")
        verbose_name_plural = _("former city slugs")
        # Kept by the city's saves, never edited by hand: no one is given rights over them.
        default_permissions = ()

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        """The old address, which redirects to the city."""
        return reverse("cities:detail", kwargs={"slug": self.slug})

    def taken_message(self):
        return gettext(
            "“%(slug)s” is a former address of %(city)s: links shared to it lead to that "
            "city. Choose another slug."
        ) % {"slug": self.slug, "city": self.city}


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

    def shown(self, user=None, at=None):
        """What is published, and of the rest only what `user` may see in the admin: an
        uploader sees their own drafts, not other uploaders'."""
        if user is not None and user.has_perm(view_permission(self.model)):
            return self.published(at) | self.for_user(user)
        return self.published(at)

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
    moved = False
    for photo in Photo.objects.files_out_of_place():
        try:
            moved |= images.move_photo_files(photo, public=photo.is_published)
        except STORAGE_ERRORS:
            logger.exception("Could not move the files of photo %s", photo.pk)
    if moved:
        ContentVersion.bump()  # pages cached meanwhile name the old files


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
    alt_text = models.CharField(
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

    @classmethod
    def extra_media_names(cls):
        """The files in use that no file field names (for `remove_orphaned_media`): the
        renditions, and photos kept for refused forms that have not yet expired."""
        for renditions in cls._base_manager.values_list("renditions", flat=True):
            for rendition in images.Rendition.load(renditions):
                yield rendition.name
        yield from kept_uploads.live_names()


class SiteText(models.Model):
    """Texts of the overview page that editors maintain, looked up by key."""

    class Key(models.TextChoices):
        DEFINITION_INTRO = "definition_intro", _("Overview: introduction to the definition")
        BENEFITS = "benefits", _("Overview: benefits of learning cities")
        LEARN_MORE_INTRO = "learn_more_intro", _("Overview: introduction to “Learn more”")

    key = models.CharField(_("place"), max_length=40, choices=Key.choices, unique=True)
    text = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("site text")
        verbose_name_plural = _("site texts")

    def __str__(self):
        return self.get_key_display()

    def get_absolute_url(self):
        return reverse("cities:overview")


class ResourceLink(models.Model):
    """A link in the overview's “Learn more” list."""

    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("“Learn more” link")
        verbose_name_plural = _("“Learn more” links")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cities:overview")


class ContentVersion(models.Model):
    """A counter bumped by every content change, shared by all server processes.

    Cached public pages are keyed by it; it lives in the database rather than the cache so
    that a per-process cache (local memory, the default) still invalidates across workers.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    # A scheduled item goes public without any save; the version is bumped when it is due.
    next_publication_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.version)

    @classmethod
    def current(cls):
        """The counter, read with one plain query: every cached page served starts here,
        and building the query with the ORM would cost far more than running it."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT version, changed_at, next_publication_at FROM {table} WHERE id = 1"
            )
            row = cursor.fetchone()
        if row is None:
            version, _created = cls.objects.get_or_create(
                pk=1, defaults={"next_publication_at": next_scheduled_publication}
            )
        else:
            # SQLite hands back naive date-times (in UTC); PostgreSQL aware ones.
            changed_at, next_publication_at = (
                moment
                if moment is None or timezone.is_aware(moment)
                else timezone.make_aware(moment, UTC)
                for moment in row[1:]
            )
            version = cls(
                pk=1, version=row[0], changed_at=changed_at, next_publication_at=next_publication_at
            )
        if version.next_publication_at and version.next_publication_at <= timezone.now():
            move_photo_files_to_match_publication()
            cls.bump()
            version.refresh_from_db()
        return version

    @classmethod
    def bump(cls):
        # Looked up on writes, so that serving a cached page costs no extra query.
        next_publication_at = next_scheduled_publication()
        # update() sends no signals, so bumping cannot itself trigger another bump.
        if not cls.objects.filter(pk=1).update(
            version=models.F("version") + 1,
            changed_at=timezone.now(),
            next_publication_at=next_publication_at,
        ):
            cls.objects.get_or_create(pk=1, defaults={"next_publication_at": next_publication_at})


def next_scheduled_publication():
    """When the first scheduled city, program or photo goes public (None: nothing is due)."""
    moments = [
        model.objects.scheduled().order_by().values_list("published_at", flat=True)
        for model in (City, Program, Photo)
    ]
    return moments[0].union(*moments[1:]).order_by("published_at").first()


def item_of(obj):
    """How an editing session names its item."""
    return {"content_type": ContentType.objects.get_for_model(obj), "object_id": str(obj.pk)}


class EditingSessionQuerySet(models.QuerySet):
    def of(self, obj):
        return self.filter(**item_of(obj))

    def current(self):
        """Forms still open: their page has said so within the window."""
        return self.filter(last_seen_at__gte=timezone.now() - EditingSession.WINDOW)


class EditingSession(models.Model):
    """Someone has an item's admin form open, named in a notice to anyone else who opens it.

    In the database rather than the cache, so that every server process sees the same people
    even with the per-process local-memory cache. Not content: saving one changes no public
    page (see `CitiesConfig.ready`) and keeps no history.
    """

    # An open form says "still here" every 15 seconds; a browser slows the timers of a tab in
    # the background (to once a minute in Chromium), so a form is gone only after 90 seconds
    # of silence, or at once when its page is closed.
    WINDOW = timedelta(seconds=90)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="editing_sessions",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("item id"), max_length=255)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)

    objects = EditingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="one_editing_session_per_item"
            )
        ]
        verbose_name = _("editing session")
        verbose_name_plural = _("editing sessions")
        # Bookkeeping of the admin itself, which no one is given rights over.
        default_permissions = ()

    def __str__(self):
        return f"{self.user}: {self.content_type} {self.object_id}"

    @classmethod
    def still_here(cls, user, obj):
        """Record that `user` has `obj`'s form open; the start is kept while they stay.

        One UPDATE for a form already known, as its polls are most of the writes."""
        now = timezone.now()
        if cls.objects.of(obj).current().filter(user=user).update(last_seen_at=now):
            return
        # Rows pile up only by being created, so pruning here is enough; the index makes it
        # cheap. A stale row of this same user goes too, so that its start is not kept.
        cls.objects.filter(last_seen_at__lt=now - cls.WINDOW).delete()
        cls.objects.get_or_create(
            user=user, **item_of(obj), defaults={"opened_at": now, "last_seen_at": now}
        )

    @classmethod
    def left(cls, user, obj):
        cls.objects.of(obj).filter(user=user).delete()

    @classmethod
    def others_on(cls, obj, user):
        """Who else has `obj`'s form open, the first to open it first."""
        return cls.objects.of(obj).current().exclude(user=user).select_related("user")

    @property
    def editor_name(self):
        full_name = self.user.get_full_name()
        return f"{full_name} ({self.user.username})" if full_name else self.user.username
