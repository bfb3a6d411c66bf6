"""The one rule for text readers and feeds see: no control characters.

C0 and C1 control characters (other than tab, line feed and carriage return, which typed text
holds), DEL, lone surrogates and the non-characters U+FFFE and U+FFFF cannot be shown on a page
or written into XML: one in a headline made every feed fail. Every other character is allowed.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def refuse_control_characters(value: str | Iterable[str]) -> None:
    """Raise ValidationError naming the first refused character and where it is (from 1).

    Also takes a list of strings (a form's tag names)."""
    for text in [value] if isinstance(value, str) else value:
        if not isinstance(text, str):
            continue
        if found := REFUSED.search(text):
            raise ValidationError(
                "Contains the control character U+%(code)04X at position %(position)d, "
                "which cannot be shown to readers or put in a feed: remove it (copying from "
                "another program or a file with a wrong encoding leaves such characters).",
                code="control_character",
                params={"code": ord(found.group()), "position": found.start() + 1},
            )
