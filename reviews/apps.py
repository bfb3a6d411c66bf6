from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _review_deleted(sender, instance, using, **kwargs) -> None:
    """A deleted review leaves search at once (SQLite's FTS5 row; a no-op on PostgreSQL)."""
    sender._default_manager.db_manager(using).forget_search_rows([instance.pk])


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Films and reviews"

    def ready(self) -> None:
        from taggit.models import Tag

        # What readers see invalidates its cache tags: the one list of receivers.
        from . import cache_tags

        cache_tags.connect()

        # Tag names are shown to readers like any headline: the same control-character rule.
        # Added to the validators in use, not to the field's declaration, so taggit's own
        # migrations stay as they are.
        from magazine.control_characters import refuse_control_characters

        name_validators = Tag._meta.get_field("name").validators
        if refuse_control_characters not in name_validators:
            name_validators.append(refuse_control_characters)

        # The stored counts of the reader's indexes follow every write that changes them,
        # whichever way it is made (admin, services, shell, queryset deletes).
        from . import tallies
        from .models import Film, FilmGenre, Genre, Review, TaggedReview

        post_save.connect(tallies.review_saved, sender=Review, dispatch_uid="tally-review")
        post_delete.connect(tallies.review_deleted, sender=Review, dispatch_uid="tally-review-del")
        post_save.connect(tallies.tagging_changed, sender=TaggedReview, dispatch_uid="tally-tag")
        post_delete.connect(
            tallies.tagging_changed, sender=TaggedReview, dispatch_uid="tally-tag-del"
        )
        post_save.connect(tallies.film_saved, sender=Film, dispatch_uid="tally-film")
        m2m_changed.connect(
            tallies.film_genres_changed, sender=Film.genres.through, dispatch_uid="tally-genres"
        )
        post_save.connect(tallies.film_genre_changed, sender=FilmGenre, dispatch_uid="tally-fg")
        post_delete.connect(
            tallies.film_genre_changed, sender=FilmGenre, dispatch_uid="tally-fg-del"
        )
        post_delete.connect(tallies.tag_deleted, sender=Tag, dispatch_uid="tally-tag-gone")
        post_delete.connect(tallies.genre_deleted, sender=Genre, dispatch_uid="tally-genre-del")
        post_delete.connect(
            _review_deleted, sender=self.get_model("Review"), dispatch_uid="reviews-search-delete"
        )
