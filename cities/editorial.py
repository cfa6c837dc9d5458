"""The cities app's content types in the editorial engine (learningcities.editorial): the one
place that says which of them have drafts, review, history and a preview.

Called from `CitiesConfig.ready()`, before the signals are connected: by then the models are
loaded and django-modeltranslation has added their per-language fields.
"""

from learningcities import editorial

from . import content_forms, views
from .models import City, Criterion, LearningCityAward, Photo, Program, ResourceLink, SiteText


def register_content_types():
    # In the order the activity log offers the kinds.
    editorial.register(
        City,
        drafts=True,
        content=content_forms.CITY,
        review=True,
        history=True,
        preview=views.preview_on_city_page,
    )
    editorial.register(
        Program,
        drafts=True,
        content=content_forms.PROGRAM,
        review=True,
        # A program's former slugs are kept by its saves, never restored: an old version
        # must not drop anchors that links out there still use.
        history={
            "m2m_fields": [Program._meta.get_field("criteria")],
            "excluded_fields": ["former_slugs"],
        },
        preview=views.preview_on_city_page,
    )
    editorial.register(
        Photo,
        drafts=True,
        content=content_forms.PHOTO,
        review=True,
        history=True,
        preview=views.preview_photo,
        restrict_history=own_photos_history,
    )
    editorial.register(
        Criterion,
        drafts=True,
        content=content_forms.CRITERION,
        history=True,
        preview=views.preview_on(views.CriteriaMatrixView),
    )
    editorial.register(
        SiteText,
        drafts=True,
        content=content_forms.SITE_TEXT,
        history=True,
        preview=views.preview_on(views.OverviewView),
    )
    editorial.register(ResourceLink, history=True)
    editorial.register(LearningCityAward, history=True, named_by=("city",))


def own_photos_history(history, user):
    """The twin of `PhotoQuerySet.for_user` for versions: an uploader reads of nobody else's
    photo, not even its title."""
    if user.has_perm("cities.change_others_photos"):
        return history
    return history.filter(uploaded_by=user.pk)
