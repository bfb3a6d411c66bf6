"""The review change form's side panel and corrections, written in Python.

The same markup as the admin's includes/fieldset.html and edit_inline/tabular.html (so its CSS,
scripts and screen-reader labels work unchanged), without their per-field template includes:
those cost about half of the change form's time at 100,000 reviews.
"""

from django import template
from django.contrib.admin.helpers import AdminField, AdminReadonlyField, Fieldset
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from magazine.form_rendering import escaped as _e

register = template.Library()


def _label(field: AdminField | AdminReadonlyField) -> SafeString:
    """The field's <label>, as AdminField.label_tag writes it (required class, “:” suffix)."""
    if field.is_readonly:
        return mark_safe(f"<label>{_e(capfirst(field.field['label']))}:</label>")  # noqa: S308
    bound = field.field
    text = conditional_escape(bound.label)
    if text and text[-1] not in ":?.!":
        text = mark_safe(f"{text}:")  # noqa: S308 (escaped above)
    widget = bound.field.widget
    id_ = widget.attrs.get("id") or bound.auto_id
    if not id_:
        return text
    attrs = {}
    id_for_label = widget.id_for_label(id_)
    if id_for_label:
        attrs["for"] = id_for_label
    if bound.field.required:
        attrs["class"] = "required"
    return mark_safe(f"<label{flatatt(attrs)}>{text}</label>")  # noqa: S308 (flatatt escapes)


def _field_row(field: AdminField | AdminReadonlyField) -> SafeString:
    """One form row: errors, label, widget (or the read-only value) and help."""
    if field.is_readonly:
        name, help_text = field.field["name"], field.field["help_text"]
        errors, hidden, help_id = "", field.field["is_hidden"], ""
        shown = mark_safe(f'<div class="readonly">{_e(field.contents())}</div>')  # noqa: S308
    else:
        bound = field.field
        name, help_text, hidden = bound.name, bound.help_text, bound.is_hidden
        errors = bound.errors.as_ul() if bound.errors else ""
        help_id = bound.id_for_label
        shown = bound.as_widget()
    shown = _e(shown)
    if hidden and not help_text:
        return mark_safe(f'<div class="form-row hidden field-{_e(name)}">{shown}</div>')  # noqa: S308
    help_html = ""
    if help_text:
        help_id_attr = f' id="{_e(help_id)}_helptext"' if help_id else ""
        # The admin shows help_text as HTML too.
        help_html = (
            f'<div class="help{" hidden" if hidden else ""}"{help_id_attr}><div>{help_text}'
            "</div></div>"
        )
    return mark_safe(  # noqa: S308 (every value is escaped)
        f'<div class="form-row{" errors" if errors else ""}{" hidden" if hidden else ""} '
        f'field-{_e(name)}">{_e(errors)}<div><div class="flex-container">{_label(field)}{shown}'
        f"</div>{help_html}</div></div>"
    )


@register.simple_tag
def side_fieldset(fieldset: Fieldset, number: int) -> SafeString:
    """A fieldset beside the writing column, as includes/fieldset.html draws it."""
    heading_id = f"fieldset-0-{number}-heading"
    heading = ""
    if fieldset.name:
        heading = format_html(
            '<h2 id="{}" class="fieldset-heading">{}</h2>', heading_id, fieldset.name
        )
        if fieldset.is_collapsible:
            heading = format_html("<details><summary>{}</summary>", heading)
    description = ""
    if fieldset.description:
        description = format_html(
            '<div class="description">{}</div>',
            mark_safe(fieldset.description),  # noqa: S308 (written in reviews/admin.py)
        )
    rows = format_html_join("", "{}", ((_field_row(f),) for line in fieldset for f in line))
    return format_html(
        '<fieldset class="module aligned {}"{}>{}{}{}{}</fieldset>',
        fieldset.classes,
        format_html(' aria-labelledby="{}"', heading_id) if fieldset.name else "",
        heading,
        description,
        rows,
        mark_safe("</details>") if fieldset.name and fieldset.is_collapsible else "",
    )


def _cell(field: AdminField | AdminReadonlyField) -> SafeString:
    if field.is_readonly:
        name, hidden = field.field["name"], field.field["is_hidden"]
        shown = format_html("<p>{}</p>", field.contents())
    else:
        bound = field.field
        name, hidden = bound.name, bound.is_hidden
        errors = bound.errors.as_ul() if bound.errors else ""
        shown = format_html("{}{}", errors, bound.as_widget())
    return format_html('<td class="field-{}{}">{}</td>', name, " hidden" if hidden else "", shown)


@register.simple_tag
def correction_rows(inline_admin_formset) -> SafeString:
    """The corrections inline's rows, as edit_inline/tabular.html draws them (no delete
    column: corrections are never removed), the last one the empty form “Add another” copies."""
    prefix = inline_admin_formset.formset.prefix
    can_add = inline_admin_formset.has_add_permission
    inline_forms = list(inline_admin_formset)
    rows = []
    for number, inline_form in enumerate(inline_forms):
        is_empty_form = can_add and number == len(inline_forms) - 1
        if inline_form.form.non_field_errors():
            rows.append(
                format_html(
                    '<tr class="row-form-errors"><td colspan="4">{}</td></tr>',
                    inline_form.form.non_field_errors(),
                )
            )
        original = ""
        if inline_form.original:
            original = format_html("<p>{}</p>", inline_form.original)
        hidden = format_html(
            "{}{}",
            inline_form.pk_field().field if inline_form.needs_explicit_pk_field() else "",
            inline_form.fk_field().field if inline_form.fk_field() else "",
        )
        cells = format_html_join(
            "", "{}", ((_cell(f),) for fieldset in inline_form for line in fieldset for f in line)
        )
        rows.append(
            format_html(
                '<tr class="form-row{}{}" id="{}-{}"><td class="original">{}{}</td>{}'
                '<td class="delete"></td></tr>',
                " has_original" if inline_form.original else "",
                " empty-form" if is_empty_form else "",
                prefix,
                "empty" if is_empty_form else number,
                original,
                hidden,
                cells,
            )
        )
    return format_html_join("", "{}", ((row,) for row in rows))
