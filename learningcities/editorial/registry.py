"""Which content types take part in the editorial work, and with which features.

A content type opts in once, from its app's `ready()`:

    editorial.register(Program, drafts=True, review=True, history={"excluded_fields": [...]},
                       preview=page_of_program)

Everything that works on "all content" (the dashboard, the history and activity log, what is
scheduled, the public pages' cache, previews) asks this registry instead of keeping its own
list of models. Registration order is kept: lists of kinds follow it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Registration:
    """One content type's part in the editorial work."""

    model: type[models.Model]
    # Changes to the live item can wait in a draft (a live item's form saves a draft).
    drafts: bool = False
    # Its content forms (`content.ContentForms`): what its drafts are checked and applied
    # with, and what the admin's change form is built on. Needed with `drafts`.
    content: object = None
    # Those without the right to publish submit it for review.
    review: bool = False
    # Its versions are recorded (django-simple-history); a dict holds the options of
    # `simple_history.register` (excluded fields, many-to-many fields).
    history: bool | dict = False
    # `preview(item, user, draft)` gives the public page (a view taking the request) where
    # the item appears, to show a draft of it; None: no preview.
    preview: Callable | None = None
    # The relations an item's name is made of (an award is named by its city), loaded with
    # its versions so that the activity log names each without a query.
    named_by: tuple[str, ...] = field(default_factory=tuple)
    # `restrict_history(history, user)`: the item's own rule applied to its versions (whose
    # of them `user` may read), as its queryset's `for_user` is to its rows; None: no rule.
    restrict_history: Callable | None = None

    @property
    def publishable(self):
        """Whether it has a publication status and date (`Publishable`); otherwise the
        public always sees it (a criterion, a site text)."""
        # Imported when asked: the registry is imported while apps load, before any model
        # class (even an abstract one) may be defined.
        from .publishing import Publishable

        return issubclass(self.model, Publishable)

    @property
    def history_options(self):
        return self.history if isinstance(self.history, dict) else {}

    def __post_init__(self):
        if self.drafts and self.content is None:
            raise ValueError(f"{self.model.__name__} has drafts: register its content forms.")

    def history_for(self, user):
        """The versions of this kind that `user` may read, by the item's own rule."""
        history = self.model.history.all()
        return self.restrict_history(history, user) if self.restrict_history else history


_registry: dict[type[models.Model], Registration] = {}


def register(model, **features):
    """Make `model` a content type of the engine, with `features` (see `Registration`)."""
    if model in _registry:
        raise ValueError(f"{model.__name__} is already registered with the editorial engine.")
    _registry[model] = Registration(model, **features)
    return model


def registered(feature=None):
    """The registrations, in the order they were made; with `feature` ("drafts", "review",
    "history", "preview", "publishable") only those that have it."""
    return [
        registration
        for registration in _registry.values()
        if feature is None or getattr(registration, feature)
    ]


def registration(model):
    """`model`'s registration (None if it does not take part)."""
    return _registry.get(model)


def models_with(feature=None):
    return [registration.model for registration in registered(feature)]
