from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Films and reviews"

    def ready(self) -> None:
        from taggit.models import Tag

        # Tag names are shown to readers like any headline: the same control-character rule.
        # Added to the validators in use, not to the field's declaration, so taggit's own
        # migrations stay as they are.
        from magazine.control_characters import refuse_control_characters

        name_validators = Tag._meta.get_field("name").validators
        if refuse_control_characters not in name_validators:
            name_validators.append(refuse_control_characters)

        connect_receivers()


def connect_receivers() -> None:
    """Every write a save or delete makes beyond its own row, in one list, for every path
    (admin, services, the shell, queryset deletes); loads (`raw`) and bulk writes do their
    own in bulk. save() itself writes only its row."""
    from . import cache_tags, search_index, tallies
    from .models import Film, Review, TaggedReview

    # What readers see invalidates its cache tags (the models are listed in cache_tags).
    cache_tags.connect()
    # Search reads a review's text and its film's title.
    post_save.connect(search_index.review_saved, sender=Review, dispatch_uid="search-review")
    post_delete.connect(search_index.review_deleted, sender=Review, dispatch_uid="search-gone")
    post_save.connect(search_index.film_saved, sender=Film, dispatch_uid="search-film")
    # The taggings' copy of when their review goes live (the topic pages' index).
    post_save.connect(tallies.review_saved, sender=Review, dispatch_uid="tag-times-review")
    pre_save.connect(tallies.tagging_saving, sender=TaggedReview, dispatch_uid="tag-times-new")
    post_save.connect(tallies.film_saved, sender=Film, dispatch_uid="tag-times-film")
