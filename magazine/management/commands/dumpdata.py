"""`dumpdata` that leaves out derived tables (`derived_data = True` on the model, e.g. the
cache tags' versions): they are rebuilt from the content on every load, so an export
holds only what editors wrote. Nor does it write the rows of a through model that only keeps
a list's order (`list_order_field`, e.g. a film's genres): the list on the film carries them,
in order (magazine.precise_json). Every stock option works as before."""

from django.apps import apps
from django.core.management.commands import dumpdata


class Command(dumpdata.Command):
    def handle(self, *app_labels, **options):
        left_out = [
            model._meta.label
            for model in apps.get_models()
            if getattr(model, "derived_data", False) or getattr(model, "list_order_field", None)
        ]
        options["exclude"] = [*options.get("exclude", []), *left_out]
        return super().handle(*app_labels, **options)
