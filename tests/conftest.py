import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with no cached pages and no content generation."""
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()
    yield
