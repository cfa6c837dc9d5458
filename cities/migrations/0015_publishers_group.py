"""The "Publishers" group: the right to publish and to approve or reject submissions.

Publishing used to come with the right to change an item. It is now a right of its own, held
by a group that is given to people in addition to "Editors" (or "Photo uploaders"); those
without it submit their work for review. Everyone in "Editors" now joins "Publishers", so that
nobody loses a right they had; new editors start without it. Reversing removes the group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHERS = "Publishers"


def create_publishers(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make them now.
    cities = apps.get_app_config("cities")
    models_module, cities.models_module = getattr(cities, "models_module", None), True
    try:
        create_permissions(cities, apps=apps, verbosity=0)
    finally:
        cities.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    publish = Permission.objects.get(content_type__app_label="cities", codename="publish_content")
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.add(publish)
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        publishers.user_set.add(*editors.user_set.all())


def delete_publishers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PUBLISHERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0014_review_workflow"),
    ]

    operations = [migrations.RunPython(create_publishers, delete_publishers)]
