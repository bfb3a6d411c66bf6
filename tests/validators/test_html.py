"""Every kind of reader page passes the Nu HTML Checker, its tricky text intact."""

import lxml.html
import pytest

from .conftest import CRITIC_BYLINE, DIRECTOR, FILM_TITLE, HEADLINE, RTL_ACTOR, RTL_CRITIC
from .tools import nu_errors

pytestmark = pytest.mark.django_db

EXPECTED_STATUS = {"404": 404}


def test_every_page_kind_passes_the_nu_html_checker(client, catalogue, tmp_path):
    documents = {}
    for kind, url in catalogue.pages.items():
        response = client.get(url)
        assert response.status_code == EXPECTED_STATUS.get(kind, 200), kind
        documents[kind] = response.content

    errors = nu_errors(documents, tmp_path)

    assert errors == {}, "\n".join(
        f"{kind} ({catalogue.pages[kind]}):\n  " + "\n  ".join(messages)
        for kind, messages in errors.items()
    )


def text_of(client, url: str, xpath: str) -> list[str]:
    document = lxml.html.fromstring(client.get(url).content)
    return [element.text_content().strip() for element in document.xpath(xpath)]


def test_quotes_ampersands_brackets_emoji_and_rtl_reach_readers_as_typed(client, catalogue):
    review = catalogue.rated.get_absolute_url()
    assert text_of(client, review, "//h1") == [HEADLINE]
    assert text_of(client, review, "//title") == [f"{HEADLINE} · Frame Rate"]
    assert CRITIC_BYLINE in text_of(client, review, "//a[@rel='author']")
    assert FILM_TITLE in text_of(client, review, "//cite")
    film = catalogue.pages["film"]
    assert DIRECTOR in text_of(client, film, "//a")
    assert RTL_ACTOR in text_of(client, film, "//a")
    assert text_of(client, catalogue.pages["critic (RTL)"], "//h1") == [RTL_CRITIC]


def test_the_favicon_answers_at_the_address_browsers_ask(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an .ico file


def landmark_names(client, url: str) -> list[str]:
    document = lxml.html.fromstring(client.get(url).content)
    return [form.get("aria-label") for form in document.xpath("//*[@role='search']")]


@pytest.mark.parametrize("kind", ["search with results", "search, empty", "404"])
def test_each_search_landmark_has_its_own_name(client, catalogue, kind):
    names = landmark_names(client, catalogue.pages[kind])
    assert len(names) == 2 and all(names) and len(set(names)) == 2, names


def canonical_and_og_url(client, url: str) -> tuple[list[str], list[str]]:
    document = lxml.html.fromstring(client.get(url).content)
    return (
        document.xpath("//link[@rel='canonical']/@href"),
        document.xpath("//meta[@property='og:url']/@content"),
    )


def test_a_404_names_no_canonical_address(client, catalogue):
    assert canonical_and_og_url(client, "/no-such-page/") == ([], [])


def test_a_preview_is_canonical_to_the_review_public_address(client, catalogue):
    public = "http://testserver" + catalogue.draft.get_absolute_url()
    preview = catalogue.pages["preview (unscheduled draft)"]
    assert canonical_and_og_url(client, preview) == ([public], [public])
