"""Django's JSON serializer without its one loss, for backups (`format="exact_json"`).

Django's JSON encoder cuts the microseconds of datetimes and times to milliseconds; this one
writes them whole. Its XML serializer keeps those, but strips the whitespace around every
text when it loads it (a mail body's last newline, a title's trailing space). With this
encoder every value comes back as it was.
"""

import datetime

from django.core.serializers import json


class ExactJSONEncoder(json.DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = json.Deserializer
