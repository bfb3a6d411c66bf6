"""Writes to people that forms elsewhere make in place."""

from django.core.exceptions import ValidationError
from django.db import transaction

from magazine.slugs import unique_slug

from .models import Person


@transaction.atomic
def person_create(*, name: str) -> Person:
    """A new person with this name and a slug nobody has; the name is checked like any other."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Type the person's name."})
    person = Person(name=name, slug=unique_slug(Person.objects.all(), name))
    person.full_clean()
    person.save()
    return person
