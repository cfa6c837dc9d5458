from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from .models import City, Criterion, Photo, Program, ResourceLink, SiteText, change_permission


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
        context["texts"] = {text.key: text.text for text in SiteText.objects.all()}
        context["criteria"] = Criterion.objects.filter(kind=Criterion.Kind.BUILDING_BLOCK)
        context["links"] = ResourceLink.objects.all()
        return context


class CityDetailView(DetailView):
    """One city, with its programs and photos; drafts only for staff who may view them."""

    template_name = "cities/city_detail.html"
    context_object_name = "city"

    def get_queryset(self):
        user = self.request.user
        return self.with_related(
            City.objects.visible_to(user),
            Program.objects.visible_to(user),
            Photo.objects.visible_to(user),
        )

    @staticmethod
    def with_related(cities, programs, photos):
        return cities.select_related("cover_photo").prefetch_related(
            Prefetch(
                "programs",
                queryset=programs.select_related("replaced_by").prefetch_related("criteria"),
            ),
            Prefetch("photos", queryset=photos),
            "awards",
        )

    def is_shown(self, photo):
        return photo.is_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        cover = city.cover_photo
        context["cover_photo"] = cover if cover and self.is_shown(cover) else None
        context["gallery"] = [
            photo for photo in city.photos.all() if photo.pk != city.cover_photo_id
        ]
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            # Only editors see this version of the page: no shared cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
        return response


@method_decorator(never_cache, name="dispatch")
class CityPreviewView(CityDetailView):
    """A city page as the public will see it once it is published, for its editors only.

    Programs and photos are shown as they will be public at the city's publication date
    (or now, for a draft); drafts among them are left out, as they would be.
    """

    def get_object(self, queryset=None):
        # Checked before the look-up, so that refusals do not reveal which drafts exist.
        user = self.request.user
        if not (user.is_active and user.is_staff and user.has_perm(change_permission(City))):
            raise PermissionDenied
        city = super().get_object(City.objects.all())
        self.moment = max(timezone.now(), city.published_at or timezone.now())
        return super().get_object(
            self.with_related(
                City.objects.filter(pk=city.pk),
                Program.objects.published(at=self.moment),
                Photo.objects.published(at=self.moment),
            )
        )

    def is_shown(self, photo):
        return photo.is_public_at(self.moment)

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_at=self.moment, **kwargs)


class PhotoCreditsView(ListView):
    """Every published photo with its credit, licence and the pages that show it."""

    template_name = "cities/photo_credits.html"
    context_object_name = "photos"

    def get_queryset(self):
        published_cities = City.objects.published()
        return (
            Photo.objects.published()
            .select_related("city")
            .prefetch_related(Prefetch("covered_cities", queryset=published_cities))
            .order_by("city__name", "order", "title")
        )
