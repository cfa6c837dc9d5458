"""Photos get unguessable file names, in the public or private folder (README, "Photos").

Every photo's original and renditions are copied to the new names through the storage API
(file system and S3 alike), the row is updated, then the old files are deleted: a photo
interrupted half-way keeps its old names and is moved when the migration runs again, which
skips the photos already moved. There is no way back to the old, guessable names.
"""

import re

from django.db import migrations, models
from django.utils import timezone

import cities.models
from cities import images

MOVED_NAME = re.compile(r"(photos|private-photos)/[\w-]{22}\.jpg")


def move_files_to_unguessable_names(apps, schema_editor):
    Photo = apps.get_model("cities", "Photo")
    now = timezone.now()
    for photo in Photo.objects.exclude(image="").order_by("pk").iterator():
        public = photo.status == "published" and (
            photo.published_at is None or photo.published_at <= now
        )
        folder = images.PUBLIC_PHOTOS_PREFIX if public else images.PRIVATE_PHOTOS_PREFIX
        if MOVED_NAME.fullmatch(photo.image.name) and photo.image.name.startswith(folder):
            continue
        images.move_photo_files(photo, public)


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0012_former_slugs_have_no_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="photo",
            name="image",
            field=models.ImageField(
                height_field="height",
                help_text="A JPEG, PNG or WebP photo.",
                upload_to=cities.models.photo_upload_to,
                verbose_name="image",
                width_field="width",
            ),
        ),
        migrations.RunPython(move_files_to_unguessable_names, migrations.RunPython.noop),
    ]
