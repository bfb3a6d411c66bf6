"""Django's JSON serialization format with timestamps to the microsecond.

Django's encoder cuts datetimes to milliseconds, so a dumpdata -> loaddata round trip moved
every timestamp and turned near-simultaneous publishes into ties. Installed as the "json"
format (SERIALIZATION_MODULES), so dumpdata, loaddata and the import path all use it; the
reading side is Django's own, which already parses microseconds.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class PreciseJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = PreciseJSONEncoder

    def handle_m2m_field(self, obj, field):
        """A list whose through model keeps its order (`list_order_field`, Film.genres) is
        written in that order, like a plain many-to-many (Django leaves such fields out)."""
        through = field.remote_field.through
        order = getattr(through, "list_order_field", None)
        if order is None:
            return super().handle_m2m_field(obj, field)
        target = field.m2m_reverse_field_name()
        links = (
            through._default_manager.filter(**{field.m2m_field_name(): obj.pk})
            .select_related(target)
            .order_by(order, "pk")
        )
        items = [getattr(link, target) for link in links]
        if self.use_natural_foreign_keys and hasattr(field.remote_field.model, "natural_key"):
            self._current[field.name] = [item.natural_key() for item in items]
        else:
            self._current[field.name] = [self._value_from_field(i, i._meta.pk) for i in items]


Deserializer = django_json.Deserializer
