from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from magazine.freshness import invalidate_everything

from ...tallies import refresh_all_tallies


class Command(BaseCommand):
    help = (
        "Rebuild the data derived from the reviews (the taggings' goes-live times, which the "
        "topic pages read) and make every cached page stale. Writes keep them up to date; "
        "run this after writing to the database outside Django (raw SQL, an old dump)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options) -> None:
        refresh_all_tallies(database)
        invalidate_everything(database)
        self.stdout.write("Rebuilt the taggings' goes-live times; every cached page is stale.")
