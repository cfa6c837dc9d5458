"""The admin's messages and confirmations about content, in sentences that agree with the
item's name.

Django words them once for every model ("The {name} “{obj}” was changed successfully.") and
its Spanish puts "El" before every name: "El ciudad “Quito” se cambió…". Spanish sentences
agree with the name's gender (la ciudad, el programa; editarla, editarlo; otra, otro), so each
model says which gender its name has, as its translators decide (English names have none), and
the sentences are translated with that gender as their context.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import model_ngettext, quote
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_noop, ngettext_lazy, npgettext, pgettext_lazy

from .history import local_datetime

FEMININE, MASCULINE = "feminine", "masculine"
GENDERS = {
    "cities.city": pgettext_lazy("grammatical gender of “city”: feminine or masculine", "none"),
    "cities.photo": pgettext_lazy("grammatical gender of “photo”: feminine or masculine", "none"),
    "cities.program": pgettext_lazy(
        "grammatical gender of “program”: feminine or masculine", "none"
    ),
    "cities.criterion": pgettext_lazy(
        "grammatical gender of “criterion”: feminine or masculine", "none"
    ),
    "cities.learningcityaward": pgettext_lazy(
        "grammatical gender of “UNESCO Learning City Award”: feminine or masculine", "none"
    ),
    "cities.sitetext": pgettext_lazy(
        "grammatical gender of “site text”: feminine or masculine", "none"
    ),
    "cities.resourcelink": pgettext_lazy(
        "grammatical gender of ““Learn more” link”: feminine or masculine", "none"
    ),
}

# Django's own Spanish for these misses a space ("Elprograma"), writes "seleccionado/s" or
# "fué", greets one person in the plural ("Bienvenidos"), says "Agregar … adicional" where
# the admin elsewhere says "Añadir", "Vista" for the link that opens a list, and "Ninguno"
# under "Mis acciones"; the project's catalogue (first in LOCALE_PATHS' order) corrects them
# for every model (these lines keep them there when the catalogue is remade). The lists saved
# with new orders (list_editable) are all of masculine names.
DJANGO_SPANISH_CORRECTED = [
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Welcome,"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("View"),
    gettext_noop("None available"),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.",
        "%(count)s %(name)s were changed successfully.",
        "count",
    ),
]


def gender(opts):
    return FEMININE if str(GENDERS.get(opts.label_lower, "")) == FEMININE else MASCULINE


# Each sentence twice, once per gender, since gettext needs its contexts written out; English
# says both alike.
ADDED = {
    FEMININE: pgettext_lazy("feminine", "The {name} “{obj}” was added successfully."),
    MASCULINE: pgettext_lazy("masculine", "The {name} “{obj}” was added successfully."),
}
CHANGED = {
    FEMININE: pgettext_lazy("feminine", "The {name} “{obj}” was changed successfully."),
    MASCULINE: pgettext_lazy("masculine", "The {name} “{obj}” was changed successfully."),
}
RESTORED = {
    FEMININE: pgettext_lazy(
        "feminine", "The {name} “{obj}” was restored from the version of {date}."
    ),
    MASCULINE: pgettext_lazy(
        "masculine", "The {name} “{obj}” was restored from the version of {date}."
    ),
}
DELETED = {
    FEMININE: pgettext_lazy("feminine", "The {name} “{obj}” was deleted successfully."),
    MASCULINE: pgettext_lazy("masculine", "The {name} “{obj}” was deleted successfully."),
}
EDIT_AGAIN = {
    FEMININE: pgettext_lazy("feminine", "You may edit it again below."),
    MASCULINE: pgettext_lazy("masculine", "You may edit it again below."),
}
ADD_ANOTHER = {
    FEMININE: pgettext_lazy("feminine", "You may add another {name} below."),
    MASCULINE: pgettext_lazy("masculine", "You may add another {name} below."),
}
THE_NAME = {
    FEMININE: pgettext_lazy("feminine", "the %(name)s"),
    MASCULINE: pgettext_lazy("masculine", "the %(name)s"),
}
DELETE_SELECTED = {
    FEMININE: pgettext_lazy("feminine", "Delete selected %(verbose_name_plural)s"),
    MASCULINE: pgettext_lazy("masculine", "Delete selected %(verbose_name_plural)s"),
}


def the_selected(context, count, words):
    if context == FEMININE:
        text = npgettext(
            "feminine", "the selected %(name)s", "the %(count)d selected %(name)s", count
        )
    else:
        text = npgettext(
            "masculine", "the selected %(name)s", "the %(count)d selected %(name)s", count
        )
    return text % words


def deleted_count(context, count, words):
    if context == FEMININE:
        text = npgettext(
            "feminine",
            "%(count)d %(name)s was deleted.",
            "%(count)d %(name)s were deleted.",
            count,
        )
    else:
        text = npgettext(
            "masculine",
            "%(count)d %(name)s was deleted.",
            "%(count)d %(name)s were deleted.",
            count,
        )
    return text % words


class AgreeingMessagesAdmin(admin.ModelAdmin):
    """Says "La ciudad “Quito” se cambió correctamente", "El programa … fue eliminado" and
    asks "¿Eliminar las 2 ciudades seleccionadas?" where Django would say "El ciudad"."""

    delete_confirmation_template = "admin/cities/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/cities/delete_selected_confirmation.html"

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's success message for the save or deletion just made, in our words.
        if level == messages.SUCCESS and hasattr(request, "agreeing_message"):
            message = request.__dict__.pop("agreeing_message")
        super().message_user(request, message, level, *args, **kwargs)

    def item_link(self, request, obj):
        if not self.has_change_permission(request, obj):
            return str(obj)
        opts = obj._meta
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )
        return format_html('<a href="{}">{}</a>', url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        context = gender(self.opts)
        text = str(ADDED[context])
        if "_addanother" in request.POST:
            text += " " + str(ADD_ANOTHER[context])
        elif "_continue" in request.POST or "_saveasnew" in request.POST:
            text += " " + str(EDIT_AGAIN[context])
        self.agree(request, text, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        context = gender(self.opts)
        version = getattr(request, "history_version_id", None)
        if version is not None:
            record = self.model.history.filter(history_id=version).first()
            date = local_datetime(record.history_date) if record else "—"
            self.agree(request, str(RESTORED[context]), obj, date=date)
            return super().response_change(request, obj)
        text = str(CHANGED[context])
        if "_addanother" in request.POST:
            text += " " + str(ADD_ANOTHER[context])
        elif "_continue" in request.POST:
            text += " " + str(EDIT_AGAIN[context])
        self.agree(request, text, obj)
        return super().response_change(request, obj)

    def agree(self, request, text, obj, **words):
        """Have `text` (about `obj`, linked) replace Django's next success message."""
        words = {"name": self.opts.verbose_name, "obj": self.item_link(request, obj), **words}
        request.agreeing_message = format_html(capfirst(text), **words)

    def response_delete(self, request, obj_display, obj_id):
        text = str(DELETED[gender(self.opts)])
        request.agreeing_message = capfirst(
            text.format(name=self.opts.verbose_name, obj=obj_display)
        )
        return super().response_delete(request, obj_display, obj_id)

    def delete_view(self, request, object_id, extra_context=None):
        the_name = THE_NAME[gender(self.opts)] % {"name": self.opts.verbose_name}
        context = {"the_name": the_name, **(extra_context or {})}
        return super().delete_view(request, object_id, context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                type(self).delete_selected_agreeing,
                "delete_selected",
                DELETE_SELECTED[gender(self.opts)],
            )
        return actions

    def delete_selected_agreeing(self, request, queryset):
        """Django's action, with the count and the names agreeing."""
        context = gender(self.opts)
        count = queryset.count()
        # The name as many as there are: "1 ciudad", "2 ciudades".
        words = {"count": count, "name": model_ngettext(self.opts, count)}
        request.agreeing_message = capfirst(deleted_count(context, count, words))
        response = delete_selected(self, request, queryset)
        if isinstance(response, TemplateResponse):
            response.context_data["the_selected"] = the_selected(context, count, words)
        return response
