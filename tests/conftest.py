import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads into its own folder, and starts with an empty cache.

    The cache remembers image renditions by file name, so it must not outlive the folder.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
