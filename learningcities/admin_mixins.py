import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .storage import STORAGE_ERRORS, delete_new_files_on_error

logger = logging.getLogger(__name__)

STORAGE_FAILURE_MESSAGE = _(
    "The file could not be stored (%(reason)s). Nothing was saved: please try again later, "
    "and tell the site's administrators if it happens again."
)


class StorageFailureAdminMixin:
    """Turns a storage failure while saving (disk full, permission denied, object storage
    down) into an error on the form, with no new row and no file left behind.

    The admin saves inside a transaction after the form was validated; when storing a file
    fails there, the transaction is rolled back, the files already written are deleted, and
    the form is shown again with the error.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with delete_new_files_on_error():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except STORAGE_ERRORS as error:
            logger.exception("Storage failed while saving %s", self.model._meta.label)
            # Shown to editors: the reason, never the server's paths.
            reason = getattr(error, "strerror", None) or _("the storage is unavailable")
            request.storage_failure = STORAGE_FAILURE_MESSAGE % {"reason": reason}
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        failure = getattr(request, "storage_failure", None)
        if failure is None:
            return form

        class FormWithStorageFailure(form):
            def clean(self):
                super().clean()
                raise ValidationError(failure, code="storage_failure")

        return FormWithStorageFailure
