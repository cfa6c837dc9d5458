"""Change history of the content, with django-simple-history.

Registered from `CitiesConfig.ready()` (through `signals.connect_signals()`) rather than with
a `HistoricalRecords()` field on each model: by then django-modeltranslation has added the
per-language columns (name_es, name_en…), so every language's text is recorded and restored,
not only the active one's.
"""

from simple_history import register

from .models import City, Criterion, LearningCityAward, Photo, Program, ResourceLink, SiteText


def record_history():
    for model in (City, Criterion, LearningCityAward, Photo, ResourceLink, SiteText):
        register(model)
    # A program's former slugs are kept by its saves, never restored: an old version must
    # not drop anchors that links out there still use.
    register(
        Program,
        m2m_fields=[Program._meta.get_field("criteria")],
        excluded_fields=["former_slugs"],
    )


def leave_loaded_rows_out(sender, instance, raw=False, **kwargs):
    """Rows loaded from a backup (saved "raw") come with their own history; the criteria that
    loaddata links to them afterwards are no edit, so they must not add a version."""
    if raw:
        instance.skip_history_when_saving = True
