"""Django's form renderer, with its plainest widgets written in Python.

Inputs, text areas and selects come out byte for byte as Django's own widget templates write
them (tests/magazine/test_form_rendering.py compares the two), without a template render and
an attrs include per widget and per option: about a third of an admin change form's time. Any
other template (admin widgets, labels, error lists, forms) is rendered as usual.
Imports nothing of the apps; settings.FORM_RENDERER names it.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.templatetags.static import static
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

WIDGETS = "django/forms/widgets/"


def escaped(value) -> str:
    """`conditional_escape`, quicker for the plain strings most values are (no call through
    Django's lazy-string check per value)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def _text(value) -> str:
    """``{{ value }}`` in a template: localised, then escaped unless already safe."""
    if type(value) is str:  # most names and values: nothing to localise, not marked safe
        return html.escape(value)
    return escaped(localize(template_localtime(value)))


def _as_string(value) -> str:
    """``{{ value|stringformat:'s' }}``: no localisation; safe input stays unescaped."""
    return value if isinstance(value, SafeData) else escaped(str(value))


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


def _link(kind: str, name: str, lines: list[str], icon: str, indent: str) -> str:
    """One of the wrapper's links, as {% spaceless %} leaves it (the tag's own lines kept)."""
    attributes = "".join(f"\n{indent}{line}" for line in lines)
    icon_url = conditional_escape(static(f"admin/img/icon-{icon}link.svg"))
    return (
        f'<a class="related-widget-wrapper-link {kind}-related" id="{kind}_id_{name}"'
        f'{attributes}><img src="{icon_url}" alt="" width="24" height="24"></a>'
    )


def _related_widget_wrapper(context: dict) -> str:
    """admin/widgets/related_widget_wrapper.html: the links beside a related object's box."""
    links = []
    if not context["is_hidden"]:
        name = _text(context["name"])
        model = {"model": _text(context["model"])}
        params = _text(context["url_params"])
        popup = 'data-popup="yes"'
        if context["can_change_related"]:
            href = f'data-href-template="{_text(context["change_related_template_url"])}?{params}"'
            title = f'title="{gettext("Change selected %(model)s") % model}"'
            links.append(_link("change", name, [href, popup, title], "change", " " * 12))
        if context["can_add_related"]:
            href = f'href="{_text(context["add_related_url"])}?{params}"'
            title = f'title="{gettext("Add another %(model)s") % model}"'
            links.append(_link("add", name, [popup, href, title], "add", " " * 12))
        if context["can_delete_related"]:
            href = f'data-href-template="{_text(context["delete_related_template_url"])}?{params}"'
            title = f'title="{gettext("Delete selected %(model)s") % model}"'
            links.append(_link("delete", name, [href, popup, title], "delete", " " * 12))
        if context["can_view_related"]:
            view_params = _text(context["view_related_url_params"])
            href = (
                f'data-href-template="{_text(context["change_related_template_url"])}?'
                f'{view_params}"'
            )
            title = f'title="{gettext("View selected %(model)s") % model}"'
            links.append(_link("view", name, [href, title], "view", " " * 13))
    model_ref = ""
    if not context["model_has_limit_choices_to"]:
        model_ref = f'data-model-ref="{_text(context["model_name"])}"'
    return (
        f'<div class="related-widget-wrapper" {model_ref}>\n    {_text(context["rendered_widget"])}'
        f"\n    \n        {''.join(links)}\n    \n</div>"
    )


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


def _label(context: dict) -> str:
    """django/forms/label.html (a field's label_tag)."""
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>"


def _no_errors(context: dict) -> str | None:
    """django/forms/errors/list/default.html, when there is nothing in the list."""
    return None if context["errors"] else ""


def _hidden_only_form(context: dict) -> str | None:
    """django/forms/div.html for a form of hidden fields only and no errors (a formset's
    management form): the fields, one after another."""
    if context["fields"] or context["errors"]:
        return None
    return "".join(str(field) for field in context["hidden_fields"])


# Templates whose whole context (not a "widget" in it) their writer takes; a writer may
# answer None to leave a case to the template.
CONTEXT_WRITERS: dict[str, Callable[[dict], str | None]] = {
    "admin/widgets/related_widget_wrapper.html": _related_widget_wrapper,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _no_errors,
    "django/forms/div.html": _hidden_only_form,
}


class PlainWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, writing the widgets in WRITERS without a template."""

    def render(self, template_name: str, context: dict, request=None) -> SafeString:
        context_writer = CONTEXT_WRITERS.get(template_name)
        if context_writer is not None:
            written = context_writer(context)
            if written is not None:
                return mark_safe(written.strip())  # noqa: S308 (escaped as above)
            return super().render(template_name, context, request)
        writer = WRITERS.get(template_name)
        html = writer(context["widget"]) if writer is not None and "widget" in context else None
        if html is None:
            return super().render(template_name, context, request)
        return mark_safe(html.strip())  # noqa: S308 (every value above is escaped)
