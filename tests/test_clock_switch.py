"""The suite's TEST_CLOCK switch (tests/clock.py): a process started with it lives at that
moment plus the real time passed since the run set its clock; the servers the tests start get
it through their settings; a moment without its offset is refused with a clear message."""

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta

from time_machine import escape_hatch

from tests.live_site import PYTHON, ROOT

NEW_YEARS_EVE = "2026-12-31T23:30:00-05:00"  # already 1 January in UTC
PRINT_NOW = "from datetime import datetime; print(datetime.now().astimezone().isoformat())"


def real_time():
    """The real clock's time.time(), though this run may travel (TEST_CLOCK)."""
    return escape_hatch.time.time() if escape_hatch.is_travelling() else time.time()


def run(command, **switches):
    """`command` run in a new process of this checkout with the TEST_CLOCK `switches` alone."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEST_CLOCK")}
    return subprocess.run(
        command, cwd=ROOT, env={**environment, **switches}, capture_output=True, text=True
    )


def test_a_process_lives_at_the_moment_plus_the_time_passed_since_the_run_set_it():
    ten_minutes_ago = real_time() - 600
    done = run(
        [sys.executable, "-c", f"from tests import clock; clock.start(); {PRINT_NOW}"],
        TEST_CLOCK=NEW_YEARS_EVE,
        TEST_CLOCK_SET_AT=str(ten_minutes_ago),
    )
    assert done.returncode == 0, done.stderr
    now = datetime.fromisoformat(done.stdout.strip())
    expected = datetime.fromisoformat(NEW_YEARS_EVE) + timedelta(minutes=10)
    assert timedelta(0) <= now - expected < timedelta(minutes=1)


def test_the_tests_servers_take_the_clock_and_the_fast_hasher_from_their_settings():
    script = (
        "from django.conf import settings; from django.utils import timezone; "
        "print(timezone.now().isoformat()); print(settings.PASSWORD_HASHERS[0])"
    )
    done = run(
        [str(PYTHON), "manage.py", "shell", "-c", script],
        DJANGO_SETTINGS_MODULE="tests.server_settings",
        TEST_CLOCK=NEW_YEARS_EVE,
    )
    assert done.returncode == 0, done.stderr
    now, hasher = done.stdout.strip().splitlines()[-2:]
    since = datetime.fromisoformat(now) - datetime.fromisoformat(NEW_YEARS_EVE)
    assert timedelta(0) <= since < timedelta(minutes=1)
    assert hasher == "django.contrib.auth.hashers.MD5PasswordHasher"


def test_without_the_switch_the_clock_is_real():
    done = run([sys.executable, "-c", f"from tests import clock; clock.start(); {PRINT_NOW}"])
    assert done.returncode == 0, done.stderr
    shown = datetime.fromisoformat(done.stdout.strip()).timestamp()
    assert abs(shown - real_time()) < 60


def test_a_moment_without_its_offset_is_refused_with_an_example():
    done = run(
        [sys.executable, "-c", "from tests import clock; clock.start()"],
        TEST_CLOCK="2026-12-31T23:30:00",
    )
    assert done.returncode == 1
    assert "is not a moment with its offset, e.g. TEST_CLOCK=2026-12-31T23:30:00-05:00" in (
        done.stderr
    )
