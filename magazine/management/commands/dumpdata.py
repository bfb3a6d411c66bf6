"""`dumpdata` that leaves out derived tables (`derived_data = True` on the model, e.g. the
cache tags' versions): they are rebuilt from the content on every load, so an export
holds only what editors wrote. Every stock option works as before."""

from django.apps import apps
from django.core.management.commands import dumpdata


class Command(dumpdata.Command):
    def handle(self, *app_labels, **options):
        derived = [
            model._meta.label
            for model in apps.get_models()
            if getattr(model, "derived_data", False)
        ]
        options["exclude"] = [*options.get("exclude", []), *derived]
        return super().handle(*app_labels, **options)
