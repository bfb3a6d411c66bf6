"""Create the Writer and Editor groups with their permissions.

The permission lists are frozen here on purpose: a later change of roles is a new migration.
Permissions are created if missing, because Django only adds them after all migrations run.
`create_roles` also works with the live app registry (the tests call it after a flush).
"""

from django.db import migrations

ROLES = {
    "Writer": {
        "reviews": {
            "review": ["view", "add", "change", "submit"],
            "film": ["view"],
            "correction": ["view"],
        },
    },
    "Editor": {
        "reviews": {
            "review": ["view", "add", "change", "submit", "approve", "publish", "edit_any"],
            "film": ["view", "add", "change"],
            "credit": ["view", "add", "change", "delete"],
            "availability": ["view", "add", "change", "delete"],
            "genre": ["view", "add", "change"],
            "correction": ["view", "add"],
        },
        "people": {
            "person": ["view", "add", "change"],
            "critic": ["view", "add", "change"],
        },
    },
}

CUSTOM_NAMES = {
    "submit_review": "Can submit a review for editing",
    "approve_review": "Can approve a review or send it back with changes",
    "publish_review": "Can publish, schedule and unpublish a review",
    "edit_any_review": "Can edit reviews by any critic, in any state",
}


def create_roles(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, app_models in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        permissions = []
        for app_label, models in app_models.items():
            for model_name, actions in models.items():
                content_type, _ = ContentType.objects.get_or_create(
                    app_label=app_label, model=model_name
                )
                for action in actions:
                    codename = f"{action}_{model_name}"
                    name = CUSTOM_NAMES.get(codename, f"Can {action} {model_name}")
                    permission, _ = Permission.objects.get_or_create(
                        content_type=content_type, codename=codename, defaults={"name": name}
                    )
                    permissions.append(permission)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_workflow"),
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
