"""The site's URLs plus one view that fails, to see the server error page."""

from django.urls import path

from learningcities.urls import handler500
from learningcities.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), *site_urlpatterns]
__all__ = ["handler500", "urlpatterns"]
