from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _tag_changed(sender, **kwargs) -> None:
    """A tag renamed or deleted in taggit's own admin changes every page that shows it."""
    from magazine.freshness import content_changed

    content_changed()


def _review_deleted(sender, instance, using, **kwargs) -> None:
    """A deleted review leaves search at once (SQLite's FTS5 row; a no-op on PostgreSQL)."""
    sender._default_manager.db_manager(using).forget_search_rows([instance.pk])


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Films and reviews"

    def ready(self) -> None:
        # taggit's Tag is not ours to subclass: the one place a signal is the only way in.
        from taggit.models import Tag

        post_save.connect(_tag_changed, sender=Tag, dispatch_uid="reviews-tag-changed")
        post_delete.connect(_tag_changed, sender=Tag, dispatch_uid="reviews-tag-deleted")
        post_delete.connect(
            _review_deleted, sender=self.get_model("Review"), dispatch_uid="reviews-search-delete"
        )
