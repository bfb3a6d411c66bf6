"""Keeps SQLite's full-text table (ReviewFullText, unmanaged) out of what Django treats as
content: `dumpdata reviews` (backups, docs/backup.md) must not export the index rows, which
are rebuilt from the reviews (refresh_search_vectors) and exist on SQLite only."""


class SearchIndexRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "reviews" and model_name == "reviewfulltext":
            return False
        return None
