"""The two staff groups, with exactly the permissions each needs.

Photo uploaders: add photos, and see, change and delete the ones they uploaded (the admin
narrows "change" to their own; `change_others_photos` is what lifts that).
Editors: all content of the cities app, including everyone's photos; no user management.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "city",
    "criterion",
    "learningcityaward",
    "photo",
    "program",
    "resourcelink",
    "sitetext",
]
ACTIONS = ["add", "change", "delete", "view"]

GROUPS = {
    "Photo uploaders": [f"{action}_photo" for action in ACTIONS],
    "Editors": [f"{action}_{model}" for model in CONTENT_MODELS for action in ACTIONS]
    + ["change_others_photos"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make them now.
    cities = apps.get_app_config("cities")
    models_module, cities.models_module = getattr(cities, "models_module", None), True
    try:
        create_permissions(cities, apps=apps, verbosity=0)
    finally:
        cities.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        permissions = Permission.objects.filter(
            content_type__app_label="cities", codename__in=codenames
        )
        if permissions.count() != len(codenames):
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            raise RuntimeError(f"Permissions missing for group {name}: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cities", "0003_photo_focal_point_renditions"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
