import copy
import mimetypes
from collections import defaultdict
from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection, router, transaction
from django.db.models import F, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from learningcities import editorial
from learningcities.editorial.permissions import may_change
from learningcities.views import sandboxed_media

from . import drafts, preview_links
from .forms import DirectoryFilterForm, PreviewCommentForm, SearchForm
from .geo import ecuador_map
from .models import (
    City,
    Criterion,
    Draft,
    LearningCityAward,
    Photo,
    Program,
    ResourceLink,
    SiteText,
    change_permission,
)
from .notifications import editing_path
from .page_weight import page_weight
from .search import search
from .seo import city_page_meta
from .stale_translations import stale_translations


class OverviewView(ListView):
    """The network overview: UNESCO's definition, the criteria and every member city."""

    template_name = "cities/overview.html"
    context_object_name = "cities"
    # Keeps the overview's weight bounded when the network grows to hundreds of cities.
    paginate_by = 12

    def get_queryset(self):
        return City.objects.published().select_related("cover_photo")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["texts"] = {text.key: text for text in SiteText.objects.all()}
        context["criteria"] = Criterion.objects.building_blocks()
        context["links"] = ResourceLink.objects.all()
        return context


class CityDetailView(DetailView):
    """One city, with its programs and photos; drafts only for staff who may view them."""

    template_name = "cities/city_detail.html"
    context_object_name = "city"

    @property
    def audience(self):
        """Who the page is for, as `Publishable.is_shown` and `.shown` take it: one rule
        picks the programs and photos, and whether a cover or a successor may be named."""
        return {"user": self.request.user}

    def get_object(self, queryset=None):
        if queryset is not None:  # the preview's own look-up
            return super().get_object(queryset)
        # Read by a prepared query (see `PreparedQuery`) and kept if `City.objects.visible_to`
        # would find it; its cover comes with its photos.
        city = next(iter(city_by_slug(self.kwargs["slug"])), None)
        if city is None or not city.is_visible_to(self.request.user):
            raise Http404("No city found matching the query")
        return city

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A former slug leads to the city's page, in the visitor's language, if they
            # may see it: an unpublished city stays a 404, its new slug unrevealed.
            city = (
                City.objects.visible_to(request.user)
                .filter(former_slugs__slug=kwargs["slug"])
                .first()
            )
            if city is None:
                raise
            return HttpResponsePermanentRedirect(city.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        audience = self.audience
        # Each relation is read whole by a prepared query (see `PreparedQuery`); what the page
        # may show is kept by `is_shown`, the twin of the querysets' `shown`.
        programs = [program for program in city_programs(city.pk) if program.is_shown(**audience)]
        for program in programs:
            program.city = city  # its address is worked out without a query
        criteria = criteria_served(city, programs)
        shown_here = {program.pk: program for program in programs}
        context["program_groups"] = by_theme(
            (program, self.successor(program, shown_here), criteria[program.pk])
            for program in programs
        )
        photos = []
        # 0 for no cover: no photo has that id, and the query's SQL stays the same.
        for photo in city_photos(city.pk, city.cover_photo_id or 0):
            if photo.pk == city.cover_photo_id:
                city.cover_photo = photo
            if photo.city_id == city.pk and photo.is_shown(**audience):
                photo.city = city
                photos.append(photo)
        context["cover_photo"] = city.cover_for(**audience)
        context["gallery"] = [photo for photo in photos if photo.in_gallery]
        context["awards"] = city_awards(city.pk)
        # Which texts may be out of date in a language, said beside them (one query).
        stale_translations([city, *programs])
        context.update(city_page_meta(self.request, city, programs))
        return context

    def successor(self, program, shown_here):
        """The program replacing `program` if this page may name it (and link to it)."""
        if program.replaced_by_id is None or program.replaced_by_id in shown_here:
            return shown_here.get(program.replaced_by_id)
        # Continued in another city (rare, read only then): named if its page may be opened.
        successor = program.successor_for(**self.audience)
        if successor is not None and successor.city.is_shown(**self.audience):
            return successor
        return None

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            # Only editors see this version of the page: no shared cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
        return response


class PreparedQuery:
    """Rows read by SQL that the ORM makes once per process and language (modeltranslation
    orders by the visitor's language) and that is then run as a raw query with each call's
    values.

    On the city page Django's compiling of its queries (the wide models carry every text in
    both languages) took two thirds of their time. The page reads each relation whole, drafts
    too, and keeps what it may show by the models' own rule (`is_shown`), not by a copy of
    that rule in SQL.
    """

    def __init__(self, queryset_of):
        self.queryset_of = queryset_of  # the query's values -> its queryset
        self.sql = {}

    def __call__(self, *values):
        key = (get_language(), connection.vendor)
        if key not in self.sql:
            queryset = self.queryset_of(*values)
            sql, params = queryset.query.sql_with_params()
            if params != values:
                # SQL that does not take the values as they are (None as IS NULL, say) would
                # not hold for the next call's.
                raise ValueError(f"{sql} must take exactly the values {values}")
            self.sql[key] = queryset.model, sql
        model, sql = self.sql[key]
        return list(model.objects.raw(sql, values))


city_by_slug = PreparedQuery(lambda slug: City.objects.filter(slug=slug))
city_programs = PreparedQuery(lambda city_id: Program.objects.filter(city_id=city_id))
# The city's photos and its cover, which may be a photo of no city.
city_photos = PreparedQuery(
    lambda city_id, cover_id: Photo.objects.filter(Q(city_id=city_id) | Q(pk=cover_id))
)
city_awards = PreparedQuery(lambda city_id: LearningCityAward.objects.filter(city_id=city_id))
# Each criterion once per program of the city that serves it, with that program's id.
city_criteria = PreparedQuery(
    lambda city_id: Criterion.objects.filter(programs__city_id=city_id).annotate(
        program_id=F("programs")
    )
)


def criteria_served(city, programs):
    """The criteria each of `programs` (the city's programs the page shows) serves, by
    program pk, in their usual order."""
    served = {program.pk: [] for program in programs}
    for criterion in city_criteria(city.pk):
        if criterion.program_id in served:
            served[criterion.program_id].append(criterion)
    for criteria in served.values():
        criteria.sort(key=lambda criterion: (criterion.order, criterion.title))
    return served


def by_theme(entries):
    """Entries (a program first, then what the page shows with it) under UNESCO's three
    policy themes, in the themes' order, then those without a theme: a list of (theme label
    or None, entries), empty groups left out."""
    groups = {theme: [] for theme in [*Program.Theme.values, ""]}
    for entry in entries:
        groups.get(entry[0].theme, groups[""]).append(entry)
    return [
        (Program.Theme(theme).label if theme else None, group)
        for theme, group in groups.items()
        if group
    ]


class DirectoryView(ListView):
    """Member cities, filtered by year joined, province and criterion served (GET)."""

    template_name = "cities/directory.html"
    context_object_name = "cities"
    # Each card carries a photo: pages keep the directory light at hundreds of cities.
    paginate_by = 24

    @cached_property
    def form(self):
        cities = City.objects.published()
        form = DirectoryFilterForm(
            self.request.GET,
            years=cities.order_by("year_joined").values_list("year_joined", flat=True).distinct(),
            provinces=cities.exclude(province="")
            .order_by("province")
            .values_list("province", flat=True)
            .distinct(),
            criteria=Criterion.objects.building_blocks(),
        )
        # Invalid values are reported beside their field; the valid ones still filter.
        form.is_valid()
        return form

    @cached_property
    def chosen(self):
        """The filters given with a valid value, by field name."""
        return {
            name: value
            for name, value in getattr(self.form, "cleaned_data", {}).items()
            if value not in ("", None)
        }

    def get_queryset(self):
        cities = City.objects.published()
        chosen = self.chosen
        if "year" in chosen:
            cities = cities.filter(year_joined=chosen["year"])
        if "province" in chosen:
            cities = cities.filter(province=chosen["province"])
        if "criterion" in chosen:
            serving = Program.objects.public().filter(criteria__slug=chosen["criterion"])
            cities = cities.filter(pk__in=serving.values("city_id"))
        return cities.select_related("cover_photo").prefetch_related(
            Prefetch("programs", queryset=Program.objects.public())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["active_filters"] = self.active_filters()
        return context

    def active_filters(self):
        """Each chosen filter with its label and the address without it (to remove it)."""
        filters = []
        for name, value in self.chosen.items():
            field = self.form[name]
            label = dict(field.field.choices).get(field.data, value)
            remaining = self.request.GET.copy()
            remaining.pop(name, None)
            # Fewer filters mean more cities: back to the first page.
            remaining.pop("page", None)
            filters.append({"label": field.label, "value": label, "query": remaining.urlencode()})
        return filters


class CriteriaMatrixView(ListView):
    """For each city, which of UNESCO's six criteria its programs serve, and how."""

    template_name = "cities/criteria_matrix.html"
    context_object_name = "cities"
    # Bounds the table's weight and rendering time however large the network grows.
    paginate_by = 50

    def get_queryset(self):
        # The programs' criteria are read as pairs of keys in get_context_data: a cell only
        # needs to know which criterion a program serves.
        # A cell links each program by its name: the rest of a program (its descriptions in
        # both languages) is not read.
        return City.objects.published().prefetch_related(
            Prefetch("programs", queryset=Program.objects.public().only("city", "slug", "name"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        criteria = list(Criterion.objects.building_blocks())
        programs = [program for city in context["cities"] for program in city.programs.all()]
        criteria_of = defaultdict(set)
        links = Program.criteria.through.objects.filter(program__in=programs)
        for program_pk, criterion_pk in links.values_list("program_id", "criterion_id"):
            criteria_of[program_pk].add(criterion_pk)
        rows = []
        for city in context["cities"]:
            served = [(program, criteria_of[program.pk]) for program in city.programs.all()]
            cells = [
                {
                    "criterion": criterion,
                    "programs": [program for program, pks in served if criterion.pk in pks],
                }
                for criterion in criteria
            ]
            rows.append({"city": city, "url": city.get_absolute_url(), "cells": cells})
        context["criteria"] = criteria
        context["rows"] = rows
        return context


class MapView(ListView):
    """Member cities on an offline map of Ecuador, and the same as a list."""

    template_name = "cities/map.html"
    context_object_name = "cities"

    def get_queryset(self):
        return City.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map"] = ecuador_map(context["cities"])
        return context


class SearchView(TemplateView):
    template_name = "cities/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        results = search(query, get_language())
        context.update(form=form, query=query, results=results, count=results.count)
        return context


@method_decorator(never_cache, name="dispatch")
class CityPreviewView(PermissionRequiredMixin, CityDetailView):
    """A city page as the public will see it once it is published, for its editors only.

    Programs and photos are shown as they will be public at the city's publication date
    (or now, for a draft); drafts among them are left out, as they would be.
    """

    permission_required = change_permission(City)
    # Refused with the 403 page rather than sent to a login form, and checked before the
    # look-up, so that refusals do not reveal which drafts exist.
    raise_exception = True

    def has_permission(self):
        user = self.request.user
        return user.is_active and user.is_staff and super().has_permission()

    def get_object(self, queryset=None):
        city = super().get_object(City.objects.select_related("cover_photo"))
        # What is shown depends on the city's own date, known once the city is.
        self.moment = max(timezone.now(), city.published_at or timezone.now())
        return city

    @property
    def audience(self):
        return {"at": self.moment}

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_at=self.moment, **kwargs)


class PhotoCreditsView(ListView):
    """Every published photo with its credit, licence and the pages that show it."""

    template_name = "cities/photo_credits.html"
    context_object_name = "photos"
    paginate_by = 50

    def get_queryset(self):
        published_cities = City.objects.published()
        return (
            Photo.objects.public()
            .select_related("city")
            .prefetch_related(Prefetch("covered_cities", queryset=published_cities))
            .order_by("city__name", "order", "title")
        )


@never_cache
def draft_preview(request, pk):
    """The page that shows a draft's item as it will be once the draft is published, for
    those who may change the item."""
    user = request.user
    # Checked before the look-up, so that refusals do not reveal which drafts exist.
    if not (user.is_active and user.is_staff):
        raise PermissionDenied
    draft = get_object_or_404(Draft.objects.open().select_related("content_type"), pk=pk)
    item = draft.item
    if item is None or not may_change(user, item):
        # As if there were no such draft: a refusal would tell which ids exist.
        raise Http404
    try:
        return preview_page(request, draft, user, weigh=True)
    except drafts.DraftNotApplicable as refusal:
        messages.error(
            request, _("The changes cannot be previewed: %(problem)s") % {"problem": refusal}
        )
        return redirect(editing_path(draft.content_type.model_class(), draft.object_id))


def preview_page(request, draft, user, weigh=False, **extra_context):
    """The public page of `draft`'s item with the draft published as `user`, inside a
    transaction rolled back once the page is rendered (cities.drafts): it shows exactly what
    publishing would, and nothing of it remains. Raises `DraftNotApplicable`. `weigh`: the
    page says what it will weigh (cities.page_weight), measured on a first rendering."""
    model = draft.content_type.model_class()
    preview = editorial.registration(model).preview
    with transaction.atomic(using=router.db_for_write(model)):
        try:
            drafts.apply(draft, user)
            page = preview(model._default_manager.get(pk=draft.object_id), request.user, draft)
            response = page(request)
            response.context_data.update(extra_context)
            response.render()
            if weigh:
                response.context_data["page_weight"] = page_weight(response.content)
                response.content = response.rendered_content
        finally:
            transaction.set_rollback(True)
    patch_cache_control(response, private=True, no_store=True)
    return response


@never_cache
def shared_preview(request, token):
    """A draft's preview for whoever holds a preview link (no account needed), with a form
    to comment on it. Never indexed, never cached; each opening is logged."""
    link = preview_links.working_link(token)
    if link is None:
        response = render(request, "cities/preview_link_gone.html", status=404)
    else:
        form = PreviewCommentForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            preview_links.leave_comment(link, form.cleaned_data["name"], form.cleaned_data["text"])
            return redirect(f"{request.path}?commented=1#preview-comment")
        commented = "commented" in request.GET
        # An opening is a visit, not the page shown again after a comment.
        if request.method == "GET" and not commented:
            preview_links.record_opening(link)
        context = {
            "shared_preview": link,
            "comment_form": form,
            "commented": commented,
        }
        # The page is shown as for its opening: the public views answer GET alone.
        page_request = copy.copy(request)
        page_request.method = "GET"
        try:
            response = preview_page(page_request, link.draft, link.created_by, **context)
        except drafts.DraftNotApplicable:
            response = render(request, "cities/preview_link_gone.html", status=404)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# The previews of the content types' drafts (registered in cities.editorial): each gives the
# public page, as a view taking the request, where the item appears.


def preview_on_city_page(item, user, draft):
    """A city, or an item of one (a program), on the city's page."""
    city = item if isinstance(item, City) else item.city
    view = CityPreviewView if may_change(user, City) else CityDetailView
    return partial(view.as_view(extra_context={"draft_preview": draft}), slug=city.slug)


def preview_on(view):
    """Items shown on one page of their own kind (the criteria on the matrix)."""

    def preview(item, user, draft):
        return view.as_view(extra_context={"draft_preview": draft})

    return preview


def preview_photo(photo, user, draft):
    """A city's photo on its city's page; a photo of no city among the credits."""
    if photo.city_id is None:
        return preview_on(PhotoCreditsView)(photo, user, draft)
    return preview_on_city_page(photo, user, draft)


def photo_file(request, pk, name):
    """One file of a photo (original or rendition) for whoever may see the photo: its uploader
    and editors while it is a draft, anyone once it is public. The files of photos that are not
    public are only ever served here (README, "Photos")."""
    photo = get_object_or_404(Photo.objects.visible_to(request.user), pk=pk)
    stored = photo.stored_file(name)
    if stored is None or not default_storage.exists(stored):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(stored), content_type=content_type)
    # Not for shared caches: the answer depends on who asks, and may change on publication.
    patch_cache_control(response, private=True, no_cache=True)
    return sandboxed_media(response)
