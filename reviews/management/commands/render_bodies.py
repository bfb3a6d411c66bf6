from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from magazine.freshness import invalidate

from ...cache_tags import review_tags
from ...models import Review

CHUNK = 500


class Command(BaseCommand):
    help = (
        "Render every review's stored HTML again from its Markdown. A review's HTML is rendered "
        "when it is saved; run this after an upgrade that changes the renderer or the sanitiser "
        "(see docs/deploy.md), or after editing a library image that many reviews show. "
        "Only reviews whose HTML changes are written, and only the pages showing them go stale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options) -> None:
        reviews = (
            Review.objects.using(database)
            .order_by("pk")
            .only("body", "body_html", "state", "film", "critic")
        )
        changed = seen = 0
        last = 0
        while chunk := list(reviews.filter(pk__gt=last)[:CHUNK]):
            last = chunk[-1].pk
            seen += len(chunk)
            stale = []
            for review in chunk:
                stored = review.body_html
                review.render_body()  # what a save stores
                if review.body_html != stored:
                    stale.append(review)
            if stale:
                with transaction.atomic(using=database):
                    Review.objects.using(database).bulk_update(stale, ["body_html", "word_count"])
                    invalidate(set().union(*(review_tags(review) for review in stale)), database)
                changed += len(stale)
        self.stdout.write(f"Rendered {seen} reviews again; {changed} changed.")
