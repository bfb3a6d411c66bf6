"""Keeps derived review fields right when a fixture saves raw (loaddata skips `save()`)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import Review


@receiver(pre_save, sender=Review, dispatch_uid="review_derived_fields_on_raw_save")
def refresh_derived_fields_on_raw_save(sender, instance: Review, raw: bool, **kwargs) -> None:
    if raw:
        instance.refresh_derived_fields()


@receiver(post_save, sender=Review, dispatch_uid="review_search_vector_on_raw_save")
def refresh_search_vector_on_raw_save(sender, instance: Review, raw: bool, **kwargs) -> None:
    if raw:
        Review.objects.filter(pk=instance.pk).refresh_search_vectors()
