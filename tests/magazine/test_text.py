"""Rendering any body a writer can type costs work in proportion to its length.

Work is counted as Python function calls (deterministic, unlike a stopwatch on a shared
machine): a body four times as long may cost at most about four times as many calls. The
inputs are the ones that took Python-Markdown minutes ('[' x 30,000: 204 s of CPU).
"""

import sys

import pytest

from magazine.text import render_markdown


def calls_to_render(source: str) -> int:
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        render_markdown(source)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(
    "unit",
    ["[", "![", "[a](", "![[](", "*a **", "_a", "*_", "<", "<a ", "&#", "\\", "[]", "a\n", "> "],
)
def test_rendering_work_grows_linearly_with_the_body(unit):
    small = calls_to_render(unit * 2_000)
    large = calls_to_render(unit * 8_000)

    assert large <= 5 * small, (unit, small, large)


def test_the_longest_allowed_body_of_brackets_renders():
    html = render_markdown("[" * 100_000)

    assert html.startswith("<p>[[[")


def test_rendering_keeps_typography_and_sanitising():
    html = render_markdown(
        'He said "it\'s *fine*" -- then... [x](javascript:alert(1)) <script>x</script>\n\n## Head'
    )

    assert "“it’s <em>fine</em>” – then…" in html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<h2>Head</h2>" in html
