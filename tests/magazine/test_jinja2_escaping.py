"""What a reader template prints is escaped exactly as Django's templates escape it
(magazine/jinja2.py), whatever the value: the pages stay byte for byte what they were."""

import pytest
from django.template import engines
from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from markupsafe import Markup

lazy_text = lazy(lambda: 'It\'s <lazy> & "quoted"', str)


@pytest.mark.parametrize(
    "value",
    [
        "All of Us Strangers",
        'Andrew Haigh\'s "Strangers" <b>bold</b> & more',
        "already &#39;escaped&#34; text",
        "&#x27;",
        2023,
        4.5,
        None,
        mark_safe("<em>safe</em> 'kept'"),
        Markup("<i>markup</i>"),
        lazy_text(),
    ],
)
def test_a_printed_value_is_escaped_as_django_escapes_it(value):
    template = engines["jinja2"].from_string("{{ value }}")
    assert template.render({"value": value}) == conditional_escape(value)
