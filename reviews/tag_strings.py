"""Tags in the review form as editors typed them: “Film noir, London”, not “"Film noir", London”.

taggit's own string quotes every name with a space and sorts them. Plugged in through its
TAGGIT_STRING_FROM_TAGS setting; its parser (commas first) reads this form back unchanged.
"""

from collections.abc import Iterable


def tags_as_typed(tags: Iterable) -> str:
    """Names joined by commas, in the order given (not sorted); quoted only if they hold a comma.

    One name with a space gets a trailing comma, which tells taggit's parser it is one tag."""
    names = []
    for tag in tags:
        name = tag.name
        names.append(f'"{name}"' if "," in name else name)
    text = ", ".join(names)
    if len(names) == 1 and " " in names[0] and "," not in names[0]:
        text += ","
    return text
