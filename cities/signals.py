"""Every signal handler of the app, connected in one place: `connect_signals()`, which
`CitiesConfig.ready()` calls.

A photo's files follow its row through signals rather than `Photo.save`/`delete`, because the
admin's bulk delete and `QuerySet.delete()` do not call the model's methods but do send these
signals: renditions are made on upload, and no orphaned file is left.
"""

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from learningcities import editorial
from learningcities.editorial.actions import status_changed
from learningcities.editorial.content import content_saved

from . import history, images, review, scheduling, stale_translations
from .models import (
    ContentVersion,
    Draft,
    DraftComment,
    EditingSession,
    LanguagePreference,
    OutgoingMail,
    Photo,
    PreviewComment,
    PreviewLink,
    PreviewOpening,
    Program,
    PublicationState,
    ReviewRequest,
    TranslationStamp,
    move_photo_files_to_match_publication,
)
from .page_cache import invalidate_public_pages


def connect_signals():
    """Connect every handler, in the order that matters."""
    pre_save.connect(remember_stored_files, sender=Photo)
    post_save.connect(make_renditions_of_new_image, sender=Photo)
    post_save.connect(move_files_after_publication_change, sender=Photo)
    post_delete.connect(delete_files_of_deleted_photo, sender=Photo)

    user_logged_in.connect(remember_language, dispatch_uid="cities.remember_language")

    # When each language of a translated text was written: a translation older than the
    # other language's last change may be out of date.
    for model in editorial.models_with():
        if stale_translations.translated_fields(model):
            pre_save.connect(stale_translations.remember_texts, sender=model)
            post_save.connect(stale_translations.stamp_written_texts, sender=model)

    # Items a publisher published by an engine action (a list's "publish now", a draft's
    # rows): their own submissions are decided by that, as approved by them.
    status_changed.connect(close_submissions_of_published, dispatch_uid="cities.status")
    content_saved.connect(close_submissions_of_published, dispatch_uid="cities.content")

    # Whatever is given a time to go public is published then by a background task.
    post_save.connect(schedule_draft_publication, sender=Draft)
    for registration in editorial.registered("publishable"):
        post_save.connect(schedule_item_publication, sender=registration.model)

    # Any change to the content of an app with registered content types (incl. its
    # many-to-many tables and the rows that hang off them) makes cached pages stale. Editing
    # sessions, reviews, mail, language preferences, preview links (whose openings are
    # counted), translation stamps (written with the text they stamp, which bumps) and drafts
    # with their comments (unseen by the public until published, which saves the item;
    # autosave writes them every few seconds) are admin bookkeeping, not content.
    bookkeeping = (
        ContentVersion,
        Draft,
        DraftComment,
        EditingSession,
        ReviewRequest,
        OutgoingMail,
        LanguagePreference,
        PreviewLink,
        PreviewOpening,
        PreviewComment,
        TranslationStamp,
    )
    content_apps = {model._meta.app_config for model in editorial.models_with()}
    for app_config in content_apps:
        for model in app_config.get_models(include_auto_created=True):
            if model not in bookkeeping:
                for signal in (post_save, post_delete, m2m_changed):
                    signal.connect(invalidate_public_pages, sender=model)

    # History last: registering it adds the historical models to this app, after the loop
    # above, since a version in the history is not content and bumping the page cache for it
    # would only cost queries. Registered here, in ready(), because only by now has
    # modeltranslation added the per-language columns, so every language is recorded.
    history.record_history()
    pre_save.connect(history.leave_loaded_rows_out, sender=Program)


def _files(name, renditions):
    return [name, *(rendition.name for rendition in images.Rendition.load(renditions))]


def remember_stored_files(sender, instance, raw=False, **kwargs):
    previous = None
    if instance.pk and not raw:
        previous = Photo.objects.filter(pk=instance.pk).values("image", "renditions").first()
    instance._stored_before_save = previous
    # A photo made from an upload kept for a refused form replaces that kept copy.
    image = instance.image
    new_file = image.file if image and not image._committed else None
    instance._kept_upload_name = getattr(new_file, "kept_upload_name", None)


def make_renditions_of_new_image(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_stored_before_save", None)
    if raw or (previous and previous["image"] == instance.image.name):
        return
    # The replaced files go once the new ones are committed, not before.
    instance.remake_renditions(replaced=previous["renditions"] if previous else [])
    images.delete_files_on_commit([getattr(instance, "_kept_upload_name", None)])
    if previous:
        images.delete_files_on_commit([previous["image"]])


def move_files_after_publication_change(sender, instance, raw=False, **kwargs):
    # Once committed, so that a rolled-back change moves nothing.
    if not raw:
        transaction.on_commit(move_photo_files_to_match_publication)


def delete_files_of_deleted_photo(sender, instance, **kwargs):
    images.delete_files_on_commit(_files(instance.image.name, instance.renditions))


def schedule_draft_publication(sender, instance, raw=False, **kwargs):
    if instance.publish_at and not raw:
        scheduling.schedule_publication(instance.publish_at)


def schedule_item_publication(sender, instance, raw=False, **kwargs):
    if not raw and instance.publication_state == PublicationState.SCHEDULED:
        scheduling.schedule_publication(instance.published_at)


def remember_language(sender, request, user, **kwargs):
    """Mail is written in the language its reader last logged in to the admin in: the one
    the locale middleware chose from their browser (`LanguagePreference`)."""
    language = getattr(request, "LANGUAGE_CODE", None)  # None: a login made in code (tests)
    if language:
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})


def close_submissions_of_published(sender, items, user, **kwargs):
    review.close_when_published(items, user)
