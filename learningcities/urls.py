from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django.views.static import serve

from . import views
from .storage import is_private_name

admin.site.site_header = _("Learning Cities · editors")
admin.site.site_title = _("Learning Cities admin")
admin.site.index_title = _("Content of the Learning Cities site")

handler400 = views.bad_request
handler500 = views.server_error

# The admin, the sitemap, robots.txt and the open data have one address in every language;
# the public pages carry theirs (/es/…, /en/…).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("cities.site_urls")),
    path(
        "robots.txt",
        TemplateView.as_view(
            template_name="robots.txt",
            content_type="text/plain",
            extra_context={"admin_path": settings.ADMIN_URL},
        ),
        name="robots",
    ),
    path("data/", include("cities.data_urls")),
    *i18n_patterns(path("", include("cities.urls"))),
]


def serve_media(request, path):
    if is_private_name(path):
        # Photos kept after a refused form and files of photos that are not public: the
        # app serves those only through its checked view (cities.views.photo_file).
        raise Http404
    # MEDIA_ROOT is read per request, not at import, so that tests can move it.
    response = views.sandboxed_media(serve(request, path, document_root=settings.MEDIA_ROOT))
    # Stored names never change content: a replaced photo is saved under a new name.
    response["Cache-Control"] = f"public, max-age={settings.MEDIA_MAX_AGE}"
    return response


if settings.SERVE_MEDIA:
    # A single-machine deployment serves uploaded photos itself; with object storage
    # (or a web server in front) this is switched off.
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)]
