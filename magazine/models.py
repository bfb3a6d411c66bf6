"""What the site shell stores itself: the versions of the cache tags (magazine/freshness.py)."""

from django.db import models


class CacheTag(models.Model):
    """The version of one cache tag (`review:42`, `reviews:list`, ...): the value of the
    invalidation clock when something readers see under that tag last changed.

    Kept in the database, in the writer's own transaction, so an invalidation can never be
    lost to a cache outage; the row named CLOCK is the clock itself. Derived: never exported.
    """

    CLOCK = "#clock"

    name = models.CharField(max_length=200, primary_key=True)
    version = models.BigIntegerField(default=0)

    derived_data = True

    def __str__(self) -> str:
        return f"{self.name} @ {self.version}"
