"""The app's models, a module for each concern; every name is importable from here
(`cities.models.City`), as migrations and the rest of the code expect."""

from learningcities.editorial.permissions import PUBLISH_PERMISSION
from learningcities.editorial.publishing import (
    PublicationState,
    Publishable,
    PublishableQuerySet,
    Status,
    change_permission,
    shown_or_none,
    view_permission,
)

from .network import (
    FIRST_AWARD_YEAR,
    GNLC_FOUNDING_YEAR,
    City,
    Criterion,
    CriterionQuerySet,
    FormerCitySlug,
    LearningCityAward,
    Program,
    ProgramQuerySet,
    slug_is_saved,
    validate_not_in_future,
)
from .photos import (
    LICENCE_URLS,
    Licence,
    Photo,
    PhotoQuerySet,
    move_photo_files_to_match_publication,
    photo_upload_to,
)
from .texts import ResourceLink, SiteText

# Last, in this order: dumpdata (the backup) writes models in the order they were defined, so
# a restore loads the content before the page-cache counter, which keeps its saved value.
# isort: split
from .content_version import ContentVersion, next_scheduled_publication
from .drafts import Draft, DraftComment, DraftQuerySet, DraftState
from .editing import EditingSession, EditingSessionQuerySet, item_of
from .preview_links import PreviewComment, PreviewLink, PreviewOpening
from .review import (
    LanguagePreference,
    OutgoingMail,
    ReviewRequest,
    ReviewRequestQuerySet,
    ReviewState,
)
from .translations import TranslationStamp

__all__ = [
    "FIRST_AWARD_YEAR",
    "GNLC_FOUNDING_YEAR",
    "LICENCE_URLS",
    "PUBLISH_PERMISSION",
    "City",
    "ContentVersion",
    "Criterion",
    "CriterionQuerySet",
    "Draft",
    "DraftComment",
    "DraftQuerySet",
    "DraftState",
    "EditingSession",
    "EditingSessionQuerySet",
    "FormerCitySlug",
    "LanguagePreference",
    "LearningCityAward",
    "Licence",
    "OutgoingMail",
    "Photo",
    "PhotoQuerySet",
    "PreviewComment",
    "PreviewLink",
    "PreviewOpening",
    "Program",
    "ProgramQuerySet",
    "PublicationState",
    "Publishable",
    "PublishableQuerySet",
    "ResourceLink",
    "ReviewRequest",
    "ReviewRequestQuerySet",
    "ReviewState",
    "SiteText",
    "Status",
    "TranslationStamp",
    "change_permission",
    "item_of",
    "move_photo_files_to_match_publication",
    "next_scheduled_publication",
    "photo_upload_to",
    "shown_or_none",
    "slug_is_saved",
    "validate_not_in_future",
    "view_permission",
]
