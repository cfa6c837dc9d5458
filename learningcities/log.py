"""Logging filters (settings.LOGGING)."""

import logging


class RefusalsInOneLine(logging.Filter):
    """A refused request (403, e.g. a preview without the right) is logged as one warning line:
    Django adds the PermissionDenied traceback, which only says where the refusal was raised."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = record.exc_text = None
        return True
