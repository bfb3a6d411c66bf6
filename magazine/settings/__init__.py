"""Settings: `base` reads the environment; `test` adjusts it for the test suite.

`DJANGO_SETTINGS_MODULE=magazine.settings` (the package itself) is a natural guess, so it gives
the same settings as `magazine.settings.base` instead of an empty configuration that fails later
with a confusing error. Only then: `magazine.settings.test` must set its environment before
`base` reads it.
"""

import os

if os.environ.get("DJANGO_SETTINGS_MODULE") == __name__:
    from magazine.settings.base import *  # noqa: F403
