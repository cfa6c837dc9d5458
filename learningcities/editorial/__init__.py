"""The editorial engine: drafts, review, scheduling, history and previews for any content type
that opts in with one `register()` call (docs/architecture-editorial.md).

The engine never names a content model: it reads what each type registered.
"""

from .registry import models_with, register, registered, registration

__all__ = ["models_with", "register", "registered", "registration"]
