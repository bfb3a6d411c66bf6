"""Writers and editors may use the library: writers view and upload, editors also edit.

Adds to the groups made by reviews' 0005_workflow_roles (never removes what they have).
`grant_library` also works with the live app registry (the tests call it after a flush).
"""

from django.db import migrations

ROLES = {"Writer": ["view", "add"], "Editor": ["view", "add", "change"]}


def grant_library(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="library", model="image")
    for group_name, actions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_image",
                defaults={"name": f"Can {action} image"},
            )
            group.permissions.add(permission)


def revoke_library(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="library"))


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_media_library"),
        ("reviews", "0005_workflow_roles"),
    ]

    operations = [migrations.RunPython(grant_library, revoke_library)]
