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


Deserializer = django_json.Deserializer
