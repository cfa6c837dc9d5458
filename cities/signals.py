"""Keep a photo's files in step with its row: renditions made on upload, no orphans left.

Signals rather than `Photo.save`/`delete`, because the admin's bulk delete and
`QuerySet.delete()` do not call the model's methods but do send these signals.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import images
from .models import Photo


def _files(name, renditions):
    return [name, *(rendition.name for rendition in images.Rendition.load(renditions))]


@receiver(pre_save, sender=Photo)
def remember_stored_files(sender, instance, raw=False, **kwargs):
    previous = None
    if instance.pk and not raw:
        previous = Photo.objects.filter(pk=instance.pk).values("image", "renditions").first()
    instance._stored_before_save = previous


@receiver(post_save, sender=Photo)
def make_renditions_of_new_image(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_stored_before_save", None)
    if raw or (previous and previous["image"] == instance.image.name):
        return
    # The replaced files go once the new ones are committed, not before.
    instance.remake_renditions(replaced=previous["renditions"] if previous else [])
    if previous:
        images.delete_files_on_commit([previous["image"]])


@receiver(post_delete, sender=Photo)
def delete_files_of_deleted_photo(sender, instance, **kwargs):
    images.delete_files_on_commit(_files(instance.image.name, instance.renditions))
