"""`{% picture image alt %}`: a responsive <picture> with WebP, a fallback and fixed size.

`image` is a stored image file or an image of the media library; a library image may be
cropped to a shape (`crop="3:2"`) around its focal point.
"""

from django import template

from magazine.images import picture as picture_for

register = template.Library()


def _picture(image, crop: str = ""):
    if not image:
        return None
    if hasattr(image, "focal_point"):  # an image of the media library
        shape = tuple(int(part) for part in crop.split(":")) if crop else None
        return image.picture(crop=shape)
    return picture_for(image)


@register.inclusion_tag("includes/picture.html")
def picture(
    image,
    alt: str,
    sizes: str = "100vw",
    css_class: str = "",
    loading: str = "lazy",
    crop: str = "",
) -> dict:
    """Render nothing when there is no image (or it cannot be read); never raise."""
    return {
        "picture": _picture(image, crop),
        "alt": alt,
        "sizes": sizes,
        "css_class": css_class,
        "loading": loading,
    }


@register.simple_tag(takes_context=True)
def image_url(context, image, crop: str = "") -> str:
    """The absolute URL of an image's largest fallback rendition (for sharing cards), or ''."""
    rendered = _picture(image, crop)
    if rendered is None:
        return ""
    request = context.get("request")
    url = rendered.largest.url
    return request.build_absolute_uri(url) if request else url
