"""Library images placed in a text (`![description](library:42)`), rendered for readers."""

from __future__ import annotations

from django.template.loader import render_to_string

from magazine.text import ImageReference

from .models import LANDSCAPE, PORTRAIT, Image


def render_body_images(references: list[ImageReference]) -> list[str]:
    """One responsive picture (a captioned figure when alone in its paragraph) per reference;
    '' for an image that is no longer in the library. One query for the lot."""
    images = Image.objects.in_bulk({reference.image_id for reference in references})
    rendered = []
    for reference in references:
        image = images.get(reference.image_id)
        if image is None:
            rendered.append("")
            continue
        portrait = (image.height or 0) > (image.width or 0)
        rendered.append(
            render_to_string(
                "library/body_image.html",
                {
                    "image": image,
                    "picture": image.picture(crop=PORTRAIT if portrait else LANDSCAPE),
                    # The text's own description wins; a decorative image stays silent.
                    "alt": "" if image.decorative else (reference.alt.strip() or image.alt_text),
                    "standalone": reference.standalone,
                },
            ).strip()
        )
    return rendered
