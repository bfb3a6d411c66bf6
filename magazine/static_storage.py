"""Static files as WhiteNoise serves them, each file's hashed address looked up once.

The manifest does not change while a process runs, but Django looks a name up again for every
{% static %} tag: an admin change form has about fifty. Imports nothing of the apps.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name, force)
            return url
