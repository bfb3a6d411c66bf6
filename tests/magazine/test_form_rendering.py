"""The plain-widget renderer writes exactly what Django's widget templates write."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils.safestring import mark_safe

from magazine.form_rendering import PlainWidgetRenderer
from tests.factories import ReviewFactory

CHOICES = [
    ("", "---------"),
    ("a", "Plain <choice> & “quotes”"),
    ("Group", [(1, "One"), (2, mark_safe("<b>Two</b>"))]),
    (3, 3),
]


class EveryWidget(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(attrs={"class": "x", "autofocus": True, "spellcheck": False}),
        help_text="Helps",
    )
    number = forms.IntegerField()
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    day = forms.DateField()
    moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    empty_body = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(choices=CHOICES)
    several = forms.MultipleChoiceField(choices=CHOICES)
    url = forms.URLField(assume_scheme="https")
    email = forms.EmailField(widget=forms.EmailInput(attrs={"data-x": mark_safe("<ok>")}))
    flag = forms.BooleanField(required=False)


VALUES = {
    "text": 'He said "<b>no</b>" & left',
    "number": 12345,
    "hidden": 7,
    "day": datetime.date(2026, 1, 2),
    "moment": datetime.datetime(2026, 1, 2, 9, 30),
    "body": "Line one\n<script>x</script> & more",
    "empty_body": "",
    "choice": "a",
    "several": ["1", "3"],
    "url": "https://example.com/?a=1&b=2",
    "email": "a@example.com",
    "flag": True,
}


@pytest.mark.parametrize("bound", [True, False], ids=["bound", "initial"])
def test_every_plain_widget_comes_out_as_the_templates_write_it(bound):
    def rendered(renderer) -> list[str]:
        form = EveryWidget(VALUES if bound else None, initial=VALUES, renderer=renderer)
        return [str(form[name]) for name in form.fields]

    plain, templates = rendered(PlainWidgetRenderer()), rendered(DjangoTemplates())
    assert plain == templates
    assert "&lt;script&gt;" in "".join(plain)


@pytest.mark.django_db
def test_the_review_change_form_is_the_same_page_with_either_renderer(admin_client):
    review = ReviewFactory(published=True, tags=["drama"], headline="Fish & <chips>")
    url = f"/admin/reviews/review/{review.pk}/change/"
    plain = admin_client.get(url).content.decode()
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        templates = admin_client.get(url).content.decode()
    strip = [line for line in plain.splitlines() if "csrfmiddlewaretoken" not in line]
    assert strip == [line for line in templates.splitlines() if "csrfmiddlewaretoken" not in line]
    assert "Fish &amp; &lt;chips&gt;" in plain


@pytest.mark.django_db
@pytest.mark.parametrize("hidden", [False, True], ids=["shown", "hidden"])
@pytest.mark.parametrize(
    "links",
    [
        (True, True, True, True),
        (False, False, False, False),
        (True, False, True, False),
        (False, True, False, True),
    ],
    ids=["all", "none", "add-delete", "change-view"],
)
def test_the_related_object_links_come_out_as_the_template_writes_them(hidden, links):
    from django.contrib import admin
    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

    from reviews.models import Review

    review = ReviewFactory()
    can_add, can_change, can_delete, can_view = links
    rel = Review._meta.get_field("film").remote_field

    def rendered(renderer) -> str:
        inner = forms.HiddenInput() if hidden else forms.Select(choices=[(review.film_id, "F")])
        wrapper = RelatedFieldWidgetWrapper(
            inner,
            rel,
            admin.site,
            can_add_related=can_add,
            can_change_related=can_change,
            can_delete_related=can_delete,
            can_view_related=can_view,
        )
        return wrapper.render("film", review.film_id, {"id": "id_film"}, renderer=renderer)

    assert rendered(PlainWidgetRenderer()) == rendered(DjangoTemplates())


@pytest.mark.parametrize("bound", [True, False], ids=["bound", "initial"])
def test_labels_and_error_lists_come_out_as_the_templates_write_them(bound):
    invalid = {**VALUES, "number": "not a number", "email": "<nobody>"}

    def rendered(renderer) -> list[str]:
        form = EveryWidget(invalid if bound else None, initial=VALUES, renderer=renderer)
        labels = [form[name].label_tag() for name in form.fields]
        labels += [form["text"].label_tag(attrs={"class": "x", "hidden": True}, tag="legend")]
        labels += [form["text"].label_tag(contents="Plain & <b>", label_suffix=" ")]
        errors = [str(form[name].errors) for name in form.fields]
        return [*labels, *errors, str(form.non_field_errors())]

    plain, templates = rendered(PlainWidgetRenderer()), rendered(DjangoTemplates())
    assert plain == templates
    assert any("errorlist" in html for html in plain) is bound


@pytest.mark.parametrize("bound", [True, False], ids=["bound", "initial"])
def test_a_formsets_management_form_comes_out_as_the_template_writes_it(bound):
    class Line(forms.Form):
        text = forms.CharField()

    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"} if bound else None

    def rendered(renderer) -> list[str]:
        lines = forms.formset_factory(Line, extra=2, renderer=renderer)
        every_field = EveryWidget(initial=VALUES, renderer=renderer)
        return [str(lines(data).management_form), every_field.as_div(), str(lines())]

    plain, templates = rendered(PlainWidgetRenderer()), rendered(DjangoTemplates())
    assert plain == templates
    assert 'name="form-TOTAL_FORMS"' in plain[0]
