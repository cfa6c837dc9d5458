"""The rich-text editor in the admin: its scripts under the strict CSP, and the site's pages
offered by its link dialog (cities.rich_text, static/cities/admin/rich-text.js)."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path, reverse_lazy
from django.utils import translation
from js_asset import Media

from .models import City, PublicationState
from .rich_text import RichTextField


def with_nonce(media, request):
    """The form's media with the request's CSP nonce on every tag: the editor's import map
    is an inline <script>, which the site's policy runs only with the nonce."""
    return Media.from_media(media, nonce=request.csp_nonce)


def site_pages(language):
    """The cities and programs a link may lead to, named in `language`, with their paths in
    that language; those the public cannot see yet say so."""
    cities, programs = [], []
    with translation.override(language):
        for city in City.objects.prefetch_related("programs").order_by("name"):
            city_url = city.get_absolute_url()
            cities.append({"name": page_name(city, city.name), "url": city_url})
            for program in city.programs.all():
                name = f"{city.name} — {program.name}"
                programs.append(
                    {"name": page_name(program, name), "url": program.url_on_city_page(city_url)}
                )
    programs.sort(key=lambda page: page["name"])
    return {"cities": cities, "programs": programs}


def page_name(item, name):
    state = item.publication_state
    if state == PublicationState.PUBLISHED:
        return name
    return f"{name} ({state.label})"


class RichTextAdmin:
    """For the admins of models with rich text: the editor's scripts get the CSP nonce on the
    change form and on the form of an old version, and `site-pages/` lists the pages its
    link dialog offers (the field names it: cities.rich_text.site_link_options)."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["cities/admin/rich-text.css"]})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, RichTextField):
            # The link dialog reads the site's pages from this admin (`site_pages_view`).
            opts = self.model._meta
            field.config["extensions"]["SiteLink"]["pagesUrl"] = reverse_lazy(
                f"admin:{opts.app_label}_{opts.model_name}_site_pages"
            )
            # modeltranslation's admin gives every language the widget made for the field
            # without one: the editor's settings of this language's field go back on it.
            field.widget.config = field.config
        return field

    def render_change_form(self, request, context, *args, **kwargs):
        context["media"] = with_nonce(context["media"], request)
        return super().render_change_form(request, context, *args, **kwargs)

    def render_history_view(self, request, template, context, **kwargs):
        # django-simple-history hands the form of an old version its media already rendered
        # to a string, without the nonce: rendered again here.
        if "adminform" in context:
            context["media"] = with_nonce(self.media + context["adminform"].form.media, request)
        return super().render_history_view(request, template, context, **kwargs)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "site-pages/",
                self.admin_site.admin_view(self.site_pages_view),
                name=f"{opts.app_label}_{opts.model_name}_site_pages",
            ),
            *super().get_urls(),
        ]

    def site_pages_view(self, request):
        # The list names cities and programs, drafts included: for those who may see them.
        if not self.admin_site.get_model_admin(City).has_view_or_change_permission(request):
            raise PermissionDenied
        language = request.GET.get("language")
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language()
        return JsonResponse(site_pages(language))
