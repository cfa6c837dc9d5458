from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from .models import City, Criterion, Photo, Program, ResourceLink, SiteText


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
        programs = (
            Program.objects.visible_to(user)
            .select_related("replaced_by")
            .prefetch_related("criteria")
        )
        return (
            City.objects.visible_to(user)
            .select_related("cover_photo")
            .prefetch_related(
                Prefetch("programs", queryset=programs),
                Prefetch("photos", queryset=Photo.objects.visible_to(user)),
                "awards",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        cover = city.cover_photo
        context["cover_photo"] = cover if cover and cover.is_visible_to(self.request.user) else None
        context["gallery"] = [
            photo for photo in city.photos.all() if photo.pk != city.cover_photo_id
        ]
        return context


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
