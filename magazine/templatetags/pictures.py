"""`{% picture image alt %}`: a responsive <picture> with WebP, a fallback and fixed size."""

from django import template

from magazine.images import picture as picture_for

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(
    image, alt: str, sizes: str = "100vw", css_class: str = "", loading: str = "lazy"
) -> dict:
    """Render nothing when there is no image (or it cannot be read); never raise."""
    return {
        "picture": picture_for(image) if image else None,
        "alt": alt,
        "sizes": sizes,
        "css_class": css_class,
        "loading": loading,
    }


@register.simple_tag(takes_context=True)
def image_url(context, image) -> str:
    """The absolute URL of an image's largest fallback rendition (for sharing cards), or ''."""
    rendered = picture_for(image) if image else None
    if rendered is None:
        return ""
    request = context.get("request")
    url = rendered.largest.url
    return request.build_absolute_uri(url) if request else url
