"""The network's content: UNESCO's criteria, the member cities, their awards and programs,
and the cities' former addresses."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from learningcities.editorial.publishing import Publishable, PublishableQuerySet, shown_or_none

from ..rich_text import RichTextField

# The UNESCO Global Network of Learning Cities was founded in 2013 (Beijing Declaration).
GNLC_FOUNDING_YEAR = 2013
# The first UNESCO Learning City Award round was in 2015.
FIRST_AWARD_YEAR = 2015


# A source is a page people open: only web addresses (Django's URLField also takes ftp).
# A code of its own, or a model form would show its field's "Enter a valid URL." instead.
validate_web_address = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address that starts with http:// or https://."),
    code="not_web_address",
)


def validate_not_in_future(year):
    current_year = timezone.localdate().year
    if year > current_year:
        raise ValidationError(
            _("%(year)s is in the future; the latest allowed year is %(current)s."),
            params={"year": year, "current": current_year},
            code="future_year",
        )


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
    statement = RichTextField(
        _("full statement"),
        max_text_length=600,
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
        return self.url_on_matrix(reverse("cities:criteria"))

    def url_on_matrix(self, matrix_url):
        """The criterion's column of the criteria matrix at `matrix_url`: lists of many
        criteria work out the matrix's address once."""
        return f"{matrix_url}#criterion-{self.slug}"


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
    narrative = RichTextField(
        _("narrative"),
        max_text_length=8000,
        help_text=_("What the city does as a learning city."),
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
        validators=[validate_web_address],
        help_text=_("Where the population figure comes from, e.g. the national census."),
    )
    website = models.URLField(_("official website"), blank=True)
    uil_profile_url = models.URLField(
        _("UNESCO member profile"),
        blank=True,
        help_text=_("The city's page on the UNESCO Institute for Lifelong Learning site."),
    )
    # UNESCO's member profile: the mayor, the focal point, the vision and strategy.
    mayor = models.CharField(_("mayor"), max_length=150, blank=True)
    mayor_since = models.PositiveSmallIntegerField(
        _("mayor since"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), validate_not_in_future],
        help_text=_("The year the mayor took office."),
    )
    mayor_source_url = models.URLField(
        _("source on the mayor"),
        blank=True,
        validators=[validate_web_address],
        help_text=_("A public page naming the mayor and when they took office."),
    )
    focal_point_name = models.CharField(
        _("focal point"),
        max_length=150,
        blank=True,
        help_text=_(
            "The person the city named to UNESCO as its contact for the network. The page is "
            "public: name, role and institution only, never an e-mail address or telephone."
        ),
    )
    focal_point_role = models.CharField(_("focal point's role"), max_length=150, blank=True)
    focal_point_institution = models.CharField(
        _("focal point's institution"), max_length=200, blank=True
    )
    vision = RichTextField(
        _("vision and strategy"),
        blank=True,
        first_heading_level=3,  # under the page's "Vision and strategy" heading
        max_text_length=4000,
        help_text=_("What the city wants to achieve as a learning city, and how."),
    )
    profile_source_url = models.URLField(
        _("source on the focal point and vision"),
        blank=True,
        validators=[validate_web_address],
        help_text=_("Usually the city's member profile on the UNESCO site."),
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
        _("source"),
        blank=True,
        validators=[validate_web_address],
        help_text=_("A UNESCO page that names the city as awardee."),
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

    class Theme(models.TextChoices):
        """The three policy themes under which UNESCO's member profiles group a city's work."""

        SUSTAINABILITY_HEALTH = "sustainability_health", _("sustainability and health")
        EQUITY_INCLUSION = "equity_inclusion", _("equity and inclusion")
        DECENT_WORK = "decent_work", _("decent work and entrepreneurship")

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, help_text=_("Unique within the city."))
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One or two sentences.")
    )
    description = RichTextField(_("description"), blank=True, max_text_length=4000)
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
    theme = models.CharField(
        _("policy theme"),
        max_length=30,
        choices=Theme.choices,
        blank=True,
        help_text=_("UNESCO's policy theme the program belongs to; the city page groups by it."),
    )
    is_good_practice = models.BooleanField(
        _("good practice"),
        default=False,
        help_text=_(
            "Named a good practice by UNESCO (the city's member profile or an award story); "
            "give that page as the source."
        ),
    )
    source_url = models.URLField(
        _("source"),
        blank=True,
        validators=[validate_web_address],
        help_text=_(
            "A public page that documents what this entry says: the city's, UNESCO's or the press."
        ),
    )
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
        if self.order is None:
            # Left empty in the admin: a new program goes to the end of its city's list.
            last = Program._base_manager.filter(city_id=self.city_id).aggregate(
                models.Max("order")
            )["order__max"]
            self.order = 0 if last is None else last + 1
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


# The rows linking programs to criteria are listed when a deletion takes them along: named for
# people there ("Criterion served: Inclusion", under its program), not "Program_criteria
# object (9)". Django creates the model, so it is named here rather than declared.
ProgramCriterion = Program.criteria.through
ProgramCriterion._meta.verbose_name = _("criterion served")
ProgramCriterion._meta.verbose_name_plural = _("criteria served")
ProgramCriterion.__str__ = lambda link: str(link.criterion)


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
