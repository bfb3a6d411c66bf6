"""Writers may add a bare film (and the people it names) to review it; editors assign films.

Adds permissions to the groups made in 0005, leaving the others as they are.
"""

from django.db import migrations

ADDED = {
    "Writer": [("reviews", "film", "add"), ("people", "person", "view"), ("people", "person", "add")],
    "Editor": [
        ("reviews", "assignment", "view"),
        ("reviews", "assignment", "add"),
        ("reviews", "assignment", "change"),
        ("reviews", "assignment", "delete"),
    ],
}


def add_permissions(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, grants in ADDED.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model_name, action in grants:
            content_type, _ = ContentType.objects.get_or_create(
                app_label=app_label, model=model_name
            )
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model_name}",
                defaults={"name": f"Can {action} {model_name}"},
            )
            group.permissions.add(permission)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, grants in ADDED.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, model_name, action in grants:
            group.permissions.remove(
                *group.permissions.filter(
                    content_type__app_label=app_label, codename=f"{action}_{model_name}"
                )
            )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0015_assignments"), ("people", "0001_initial")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
