"""The site's settings, with the editorial engine's own test content type installed
(tests/editorial_testapp): before the cities app, whose start-up reads the registry."""

from learningcities.settings import *  # noqa: F403
from learningcities.settings import INSTALLED_APPS

INSTALLED_APPS = [
    *INSTALLED_APPS[: INSTALLED_APPS.index("cities")],
    "tests.editorial_testapp",
    *INSTALLED_APPS[INSTALLED_APPS.index("cities") :],
]
