"""The switch `TEST_CLOCK=2026-12-31T23:30:00-05:00`: the tests run with the clock set to that
moment and moving on from it (time-machine), in the test process and in the servers the tests
start. The monotonic clock stays real, and so do the file system's modification times.

Every process of one run shares one timeline: the first to start the clock writes down the real
moment it did so (TEST_CLOCK_SET_AT, inherited by xdist's workers and by `make serve`), and each
process travels to TEST_CLOCK plus the real time passed since then."""

import os
import time
from datetime import datetime, timedelta

import time_machine


def start():
    """Set the clock of this process when TEST_CLOCK is given; do nothing otherwise."""
    moment = os.environ.get("TEST_CLOCK")
    if not moment:
        return
    try:
        destination = datetime.fromisoformat(moment)
    except ValueError:
        destination = None
    if destination is None or destination.tzinfo is None:
        raise SystemExit(
            f"TEST_CLOCK={moment!r} is not a moment with its offset, "
            "e.g. TEST_CLOCK=2026-12-31T23:30:00-05:00"
        )
    set_at = float(os.environ.setdefault("TEST_CLOCK_SET_AT", str(time.time())))
    passed = timedelta(seconds=max(time.time() - set_at, 0))
    time_machine.travel(destination + passed, tick=True).start()
