"""Settings of the servers the tests start as processes (`make serve`, its management commands):
the site's own, with what the tests change for every process of theirs, as tests/conftest.py
does in the test process: the fast password hasher and the test clock (tests/clock.py).
tests/live_site.py selects them; the site itself never imports this module."""

from learningcities.settings import *  # noqa: F403
from tests import clock

# Django's advice for tests: hashing with the production hasher is slow on purpose.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

clock.start()
