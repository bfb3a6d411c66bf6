"""Django's form renderer, with its plainest widgets written in Python.

Inputs, text areas and selects come out byte for byte as Django's own widget templates write
them (tests/magazine/test_form_rendering.py compares the two), without a template render and
an attrs include per widget and per option: about a third of an admin change form's time. Any
other template (admin widgets, labels, error lists, forms) is rendered as usual.
Imports nothing of the apps; settings.FORM_RENDERER names it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"


def _text(value) -> str:
    """``{{ value }}`` in a template: localised, then escaped unless already safe."""
    return conditional_escape(localize(template_localtime(value)))


def _as_string(value) -> str:
    """``{{ value|stringformat:'s' }}``: no localisation; safe input stays unescaped."""
    return value if isinstance(value, SafeData) else conditional_escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_as_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_as_string(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict) -> str:
    return (
        f'<option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None  # an option drawn its own way: leave the select to the template
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS: dict[str, Callable[[dict], str | None]] = {
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
    **{
        f"{WIDGETS}{name}.html": _input
        for name in [
            *["input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"],
            *["number", "password", "search", "tel", "text", "time", "url"],
        ]
    },
}


class PlainWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, writing the widgets in WRITERS without a template."""

    def render(self, template_name: str, context: dict, request=None) -> SafeString:
        writer = WRITERS.get(template_name)
        html = writer(context["widget"]) if writer is not None and "widget" in context else None
        if html is None:
            return super().render(template_name, context, request)
        return mark_safe(html.strip())  # noqa: S308 (every value above is escaped)
