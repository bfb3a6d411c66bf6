"""The admin's autocomplete box, showing an object the page already holds without reading it
again: a change form's film and critic come with the review (select_related), yet Django's
AutocompleteSelect looks each one up once more to write its single selected option.
Imports nothing of the apps.
"""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models


class KnownChoiceAutocompleteSelect(AutocompleteSelect):
    """AutocompleteSelect whose selected option comes from `known` (set per form, by the
    form that holds the object) when it is the value shown; any other value is looked up
    as usual. No value at all needs no lookup."""

    known: models.Model | None = None

    def optgroups(self, name, value, attr=None):
        selected_choices = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known
        if selected_choices and (known is None or selected_choices != {str(known.pk)}):
            return super().optgroups(name, value, attr)
        # What AutocompleteMixin.optgroups returns, with `known` for the one object it reads.
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        if selected_choices:
            label = self.choices.field.label_from_instance(known)
            index = len(default[1])
            default[1].append(self.create_option(name, known.pk, label, selected_choices, index))
        return [default]
