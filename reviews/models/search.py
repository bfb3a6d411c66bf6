"""What search reads: SQLite's full-text table of the reviews."""

from __future__ import annotations

from django.db import models

from magazine.fulltext import (
    SQLITE_FULLTEXT_TABLE,
)


class ReviewFullText(models.Model):
    """SQLite's FTS5 table of what search reads (the migration 0011 creates it; unmanaged):
    one row per review, rowid = the review's id. Kept in step by refresh_search_vectors()
    and the receivers of reviews/search_index.py. Only ever queried on SQLite."""

    review = models.OneToOneField(
        "reviews.Review",
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    headline = models.TextField()
    film_title = models.TextField()
    standfirst = models.TextField()
    body = models.TextField()

    class Meta:
        managed = False
        db_table = SQLITE_FULLTEXT_TABLE

    def __str__(self) -> str:
        return self.headline
