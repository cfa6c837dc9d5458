import logging

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

from .storage import STORAGE_ERRORS, delete_new_files_on_error

logger = logging.getLogger(__name__)

STORAGE_FAILURE_MESSAGE = _(
    "The file could not be stored (%(reason)s). Nothing was saved: please try again later, "
    "and tell the site's administrators if it happens again."
)
DATABASE_BUSY_MESSAGE = _(
    "The database was too busy with other saves to take this one. Nothing was saved: your "
    "changes are still in the form below, please save again."
)
# PostgreSQL's "try again" errors: lock timeout, serialization failure, deadlock.
RETRYABLE_SQLSTATES = {"55P03", "40001", "40P01"}


def is_database_busy(error):
    """Whether a database error means "another save was in the way", not "database down"."""
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    # SQLite's messages when its busy timeout ran out.
    return sqlstate in RETRYABLE_SQLSTATES or str(error) in {
        "database is locked",
        "database table is locked",
    }


class SaveFailureAdminMixin:
    """Turns a failure while saving into an error on the form, with the editor's input kept
    and nothing saved: a storage failure (disk full, permission denied, object storage down)
    or a database too busy to take the save in time (README "Deployment").

    The admin saves inside a transaction after the form was validated; when the save fails
    there, the transaction is rolled back, the files already written are deleted, and the
    form is shown again with the error. A database that is down is no form error: that is
    the site-wide 503 (learningcities.middleware).
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with delete_new_files_on_error():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except STORAGE_ERRORS as error:
            logger.exception("Storage failed while saving %s", self.model._meta.label)
            # Shown to editors: the reason, never the server's paths.
            reason = getattr(error, "strerror", None) or _("the storage is unavailable")
            request.save_failure = STORAGE_FAILURE_MESSAGE % {"reason": reason}
        except OperationalError as error:
            if not is_database_busy(error):
                raise
            logger.warning("Database busy while saving %s: %s", self.model._meta.label, error)
            request.save_failure = DATABASE_BUSY_MESSAGE
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        failure = getattr(request, "save_failure", None)
        if failure is None:
            return form

        class FormWithSaveFailure(form):
            def clean(self):
                super().clean()
                raise ValidationError(failure, code="save_failure")

        return FormWithSaveFailure
