from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from magazine.freshness import invalidate_everything

from ...tallies import refresh_all_tallies


class Command(BaseCommand):
    help = (
        "Recount the stored counts of the reader's indexes (films, critics, topics, sitemap) "
        "from the reviews. Writes keep them up to date; run this after writing to the "
        "database outside Django (raw SQL, a restore of an old dump)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options) -> None:
        refresh_all_tallies(database)
        invalidate_everything(database)
        self.stdout.write("Recounted the films, critics, topics and film index facets.")
