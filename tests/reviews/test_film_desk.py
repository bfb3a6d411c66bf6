"""The film desk: films entered in place, writers' bare films, assignments and the desk,
the release calendar, the review list's state filter and bulk actions."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from people.models import Person
from reviews import calendar, selectors, services
from reviews.models import (
    Assignment,
    Availability,
    Credit,
    Film,
    FilmGenre,
    Genre,
    Review,
    genres_in_order,
)
from tests.factories import (
    AssignmentFactory,
    AvailabilityFactory,
    CriticFactory,
    FilmFactory,
    PersonFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 3, 4, 12, 0, tzinfo=datetime.UTC)  # a Monday
TODAY = NOW.date()


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


# Made in place: people and genres typed into the film form.


def test_a_person_is_created_in_place_with_a_unique_slug(client, editor):
    PersonFactory(name="Andrew Scott", slug="andrew-scott")
    client.force_login(editor)
    response = client.post(
        reverse("admin:people_person_create_in_place"), {"name": "  Andrew   Scott "}
    )
    assert response.status_code == 200
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.name, person.slug) == ("Andrew Scott", "andrew-scott-2")
    assert response.json()["text"] == "Andrew Scott"


def test_an_empty_name_is_refused_with_a_message_and_nothing_made(client, editor):
    client.force_login(editor)
    count = Person.objects.count()
    response = client.post(reverse("admin:people_person_create_in_place"), {"name": "  "})
    assert response.status_code == 400
    assert "name" in response.json()["error"]
    assert Person.objects.count() == count


def test_a_reader_without_add_permission_cannot_create_people(client, django_user_model):
    user = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(user)
    response = client.post(reverse("admin:people_person_create_in_place"), {"name": "X"})
    assert response.status_code == 403
    assert not Person.objects.filter(name="X").exists()


def test_a_genre_made_in_place_reuses_one_with_the_same_name(client, editor):
    client.force_login(editor)
    url = reverse("admin:reviews_genre_create_in_place")
    first = client.post(url, {"name": "Ghost story"}).json()
    second = client.post(url, {"name": "ghost STORY"}).json()
    assert first["id"] == second["id"]
    assert Genre.objects.get().slug == "ghost-story"


def test_the_film_form_offers_creating_autocompletes_and_no_popup_links(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:reviews_film_add")).content.decode()
    assert 'data-create-url="/admin/people/person/create-in-place/"' in html
    assert 'data-create-url="/admin/reviews/genre/create-in-place/"' in html
    assert "reviews/admin/film_entry.js" in html
    assert "_popup=1" not in html  # no "add another" pop-up windows


def test_an_editor_saves_a_film_with_credits_in_billing_order(client, editor):
    client.force_login(editor)
    people = [PersonFactory() for _ in range(3)]
    data = {
        "title": "All of Us Strangers",
        "slug": "all-of-us-strangers",
        "year": "2023",
        "review_embargo_timezone": "UTC",
        "credits-TOTAL_FORMS": "3",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "availabilities-TOTAL_FORMS": "0",
        "availabilities-INITIAL_FORMS": "0",
        "genre_links-TOTAL_FORMS": "0",
        "genre_links-INITIAL_FORMS": "0",
        "availabilities-MIN_NUM_FORMS": "0",
        "availabilities-MAX_NUM_FORMS": "1000",
    }
    for index, person in enumerate(people):
        data |= {
            f"credits-{index}-person": person.pk,
            f"credits-{index}-role": "cast",
            f"credits-{index}-billing_order": str(3 - index),
        }
    response = client.post(reverse("admin:reviews_film_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    film = Film.objects.get(slug="all-of-us-strangers")
    assert [c.person for c in film.credits.all()] == people[::-1]


# Writers add a bare film.


def test_a_writer_adds_a_bare_film_and_goes_on_to_write_its_review(client, writer):
    client.force_login(writer)
    page = client.get(reverse("admin:reviews_film_add"))
    assert page.status_code == 200
    fields = set(page.context["adminform"].form.fields)
    assert fields == {"title", "year", "director"}
    director = PersonFactory(name="Andrew Haigh")
    response = client.post(
        reverse("admin:reviews_film_add"),
        {"title": "All of Us Strangers", "year": "2023", "director": director.pk},
    )
    film = Film.objects.get(title="All of Us Strangers")
    assert response["Location"] == f"{reverse('admin:reviews_review_add')}?film={film.pk}"
    assert film.slug == "all-of-us-strangers-2023"
    assert film.directors == [director]


def test_a_writer_cannot_add_a_film_twice_or_change_one(client, writer):
    film = FilmFactory(title="Strangers", year=2023)
    client.force_login(writer)
    response = client.post(
        reverse("admin:reviews_film_add"), {"title": "strangers", "year": "2023"}
    )
    assert response.status_code == 200
    assert "already in the catalogue" in response.content.decode()
    assert Film.objects.count() == 1
    change = client.post(reverse("admin:reviews_film_change", args=[film.pk]), {"title": "X"})
    assert change.status_code == 403 or Film.objects.get().title == "Strangers"


# Assignments.


def test_a_review_started_from_an_assignment_is_linked_to_it(client, writer, now):
    assignment = AssignmentFactory(critic=writer.critic, due_on=TODAY)
    client.force_login(writer)
    desk = client.get(reverse("admin:reviews_review_desk")).content.decode()
    start = f"{reverse('admin:reviews_review_add')}?film={assignment.film.pk}&amp;critic="
    assert start in desk
    response = client.post(
        f"{reverse('admin:reviews_review_add')}?film={assignment.film.pk}",
        {
            "film": assignment.film.pk,
            "kind": "review",
            "headline": "Grief, in a tower block",
            "slug": "grief-in-a-tower-block",
            "body": "Text.",
            "tags": "",
            "version": "1",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assignment.refresh_from_db()
    assert assignment.review.headline == "Grief, in a tower block"


def test_assigned_to_me_lists_only_open_assignments_with_overdue_marked(writer, now):
    late = AssignmentFactory(critic=writer.critic, due_on=TODAY - datetime.timedelta(days=1))
    AssignmentFactory(critic=writer.critic, review=ReviewFactory(state=Review.State.IN_REVIEW))
    AssignmentFactory(due_on=TODAY)  # someone else's, due today: not overdue
    desk = selectors.desk_for(writer)
    assert list(desk.assigned_to_me) == [late]
    assert desk.open_assignments is None  # writers do not see everyone's
    assert late.is_overdue()
    assert list(Assignment.objects.overdue()) == [late]


def test_the_editors_desk_marks_overdue_assignments(client, editor, now):
    AssignmentFactory(due_on=TODAY - datetime.timedelta(days=2), film__title="Late Film")
    AssignmentFactory(due_on=TODAY + datetime.timedelta(days=2), film__title="Early Film")
    client.force_login(editor)
    html = client.get(reverse("admin:reviews_review_desk")).content.decode()
    section = html[html.index('id="desk-assignments"') :]
    section = section[: section.index("</section>")]
    assert section.count("Overdue") == 1
    assert section.index("Late Film") < section.index("Overdue") < section.index("Early Film")


def test_sent_back_to_me_shows_the_editors_comment(client, writer, editor, now):
    review = ReviewFactory(critic=writer.critic, state=Review.State.IN_REVIEW)
    services.review_request_changes(review=review, user=editor, comment="Cut the ending.")
    ReviewFactory(critic=writer.critic, state=Review.State.UNPUBLISHED, headline="Taken down")
    desk = selectors.desk_for(writer)
    [sent] = desk.sent_back_to_me
    assert sent.sent_back_comment == "Cut the ending."
    client.force_login(writer)
    html = client.get(reverse("admin:reviews_review_desk")).content.decode()
    assert "Cut the ending." in html[html.index('id="desk-sent-back"') :]
    assert "Taken down" in html[html.index('id="desk-unpublished"') :]
    # Resubmitted: no longer sent back.
    services.review_submit(review=review, user=writer)
    assert list(selectors.desk_for(writer).sent_back_to_me) == []


def test_an_editor_assigns_films_in_bulk_from_the_film_list(client, editor, now):
    films = [FilmFactory(), FilmFactory()]
    critic = CriticFactory()
    client.force_login(editor)
    url = reverse("admin:reviews_film_changelist")
    selected = {"action": "assign_to_critic", "_selected_action": [f.pk for f in films]}
    confirm = client.post(url, selected)
    assert confirm.status_code == 200
    assert str(films[0]) in confirm.content.decode()
    done = client.post(
        url, selected | {"apply": "1", "critic": critic.pk, "due_on": "2024-03-08", "note": "x"}
    )
    assert done.status_code == 302
    assert Assignment.objects.filter(critic=critic, due_on="2024-03-08").count() == 2
    assert Assignment.objects.first().assigned_by == editor


# The calendar.


def test_the_calendar_shows_openings_embargoes_reviews_and_assignments(client, editor, now):
    opening = FilmFactory(title="Opening Film")
    AvailabilityFactory(
        film=opening,
        kind=Availability.Kind.THEATRICAL,
        provider="",
        starts_on=TODAY + datetime.timedelta(days=3),
    )
    streaming = FilmFactory(title="Streaming Film")
    AvailabilityFactory(
        film=streaming, provider="Hulu", starts_on=TODAY + datetime.timedelta(days=1)
    )
    embargoed = FilmFactory(
        title="Embargoed Film",
        review_embargo_until=datetime.datetime(2024, 3, 5, 17, 0, tzinfo=datetime.UTC),
        review_embargo_timezone="America/Los_Angeles",
    )
    ReviewFactory(
        film=embargoed,
        state=Review.State.PUBLISHED,
        headline="Scheduled piece",
        publish_at=datetime.datetime(2024, 3, 6, 9, 0, tzinfo=datetime.UTC),
    )
    AssignmentFactory(
        film=FilmFactory(title="Assigned Film"), due_on=TODAY + datetime.timedelta(days=4)
    )
    client.force_login(editor)
    response = client.get(reverse("admin:reviews_film_calendar"))
    html = response.content.decode()
    for text in [
        "Opening Film",
        "Streaming Film",
        "Hulu",
        "Embargoed Film",
        "09:00 PST",
        "Scheduled piece",
        "Assigned Film",
        "Review due from",
    ]:
        assert text in html, text
    uncovered = html[html.index('id="uncovered-title"') : html.index("</section>")]
    assert "Opening Film" in uncovered and "Streaming Film" not in uncovered
    assert reverse("admin:reviews_film_change", args=[opening.pk]) in html
    month = client.get(
        reverse("admin:reviews_film_calendar"), {"view": "month", "date": "2024-03-20"}
    )
    assert "March 2024" in month.content.decode()


def test_a_film_with_a_review_or_assignment_is_not_flagged(now):
    covered = FilmFactory()
    AvailabilityFactory(film=covered, kind="theatrical", provider="", starts_on=TODAY)
    ReviewFactory(film=covered)
    assigned = FilmFactory()
    AvailabilityFactory(film=assigned, kind="theatrical", provider="", starts_on=TODAY)
    AssignmentFactory(film=assigned)
    late = FilmFactory()
    AvailabilityFactory(
        film=late, kind="theatrical", provider="", starts_on=TODAY + datetime.timedelta(days=15)
    )
    bare = FilmFactory()
    AvailabilityFactory(
        film=bare, kind="theatrical", provider="", starts_on=TODAY + datetime.timedelta(days=14)
    )
    assert list(calendar.uncovered_films()) == [bare]


def test_the_calendar_costs_a_fixed_number_of_queries(
    client, editor, now, django_assert_max_num_queries
):
    for day in range(7):
        film = FilmFactory()
        AvailabilityFactory(
            film=film,
            kind="theatrical",
            provider="",
            starts_on=TODAY + datetime.timedelta(days=day),
        )
        AssignmentFactory(film=film, due_on=TODAY + datetime.timedelta(days=day))
    client.force_login(editor)
    with django_assert_max_num_queries(14):
        client.get(reverse("admin:reviews_film_calendar"))


# The review list.


def test_the_state_filter_finds_scheduled_held_and_next_seven_days(client, editor, now):
    film = FilmFactory(review_embargo_until=NOW + datetime.timedelta(days=2))
    held = ReviewFactory(
        film=film,
        state="published",
        publish_at=NOW + datetime.timedelta(days=1),
        headline="Held one",
    )
    soon = ReviewFactory(
        state="published", publish_at=NOW + datetime.timedelta(days=3), headline="Soon one"
    )
    later = ReviewFactory(
        state="published", publish_at=NOW + datetime.timedelta(days=9), headline="Later one"
    )
    ReviewFactory(published=True, headline="Live one")
    client.force_login(editor)
    url = reverse("admin:reviews_review_changelist")

    def shown(status):
        return {r.headline for r in client.get(url, {"status": status}).context["cl"].result_list}

    late_film = FilmFactory(review_embargo_until=NOW + datetime.timedelta(days=8))
    held_late = ReviewFactory(
        film=late_film,
        state="published",
        publish_at=NOW + datetime.timedelta(days=1),
        headline="Held past the week",
    )
    lifted = FilmFactory(review_embargo_until=NOW - datetime.timedelta(days=30))
    ReviewFactory(
        film=lifted,
        state="published",
        publish_at=NOW - datetime.timedelta(days=31),
        headline="Lifted one",
    )  # was held, now simply published
    assert shown("held") == {held.headline, held_late.headline}
    assert shown("scheduled") == {held.headline, soon.headline, later.headline, held_late.headline}
    assert shown("next_7_days") == {held.headline, soon.headline}
    assert shown("published") == {"Live one", "Lifted one"}


def test_writers_are_not_offered_a_filter_by_critic(client, writer, editor):
    client.force_login(writer)
    filters = [
        f.title
        for f in client.get(reverse("admin:reviews_review_changelist")).context["cl"].filter_specs
    ]
    assert "critic" not in filters and "state" in filters
    client.force_login(editor)
    filters = [
        f.title
        for f in client.get(reverse("admin:reviews_review_changelist")).context["cl"].filter_specs
    ]
    assert "critic" in filters


def test_bulk_tagging_goes_through_a_confirmation(client, editor):
    reviews = [ReviewFactory(tags=["Film noir"]), ReviewFactory()]
    client.force_login(editor)
    url = reverse("admin:reviews_review_changelist")
    selected = {"_selected_action": [r.pk for r in reviews]}
    page = client.post(url, selected | {"action": "add_tag"})
    assert page.status_code == 200 and reviews[1].headline in page.content.decode()
    client.post(url, selected | {"action": "add_tag", "apply": "1", "tag": "Ghost story"})
    assert all("Ghost story" in r.tags.names() for r in reviews)
    client.post(url, selected | {"action": "remove_tag", "apply": "1", "tag": "film NOIR"})
    assert list(reviews[0].tags.names()) == ["Ghost story"]


def test_bulk_unpublish_names_the_reviews_then_unpublishes_them(client, editor, now):
    reviews = [
        ReviewFactory(published=True),
        ReviewFactory(state="published", publish_at=NOW + datetime.timedelta(days=1)),
    ]
    client.force_login(editor)
    url = reverse("admin:reviews_review_changelist")
    selected = {"_selected_action": [r.pk for r in reviews], "action": "unpublish_reviews"}
    page = client.post(url, selected).content.decode()
    assert "Yes, unpublish them" in page
    assert all(r.headline in page for r in reviews)
    assert Review.objects.filter(state="unpublished").count() == 0
    client.post(url, selected | {"apply": "1"})
    assert Review.objects.filter(state="unpublished").count() == 2


def test_writers_have_no_bulk_unpublish(client, writer):
    client.force_login(writer)
    actions = (
        client.get(reverse("admin:reviews_review_changelist"))
        .context["action_form"]
        .fields["action"]
        .choices
    )
    assert "unpublish_reviews" not in [name for name, _ in actions]


def test_credit_default_role_is_cast_for_new_rows(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:reviews_film_add"))
    formsets = [inline.formset for inline in response.context["inline_admin_formsets"]]
    formset = next(f for f in formsets if f.prefix == "credits")
    assert formset.forms[0].fields["role"].initial == Credit.Role.CAST


def test_the_editors_comment_is_at_the_top_of_a_sent_back_draft(client, writer, editor):
    review = ReviewFactory(critic=writer.critic, state=Review.State.IN_REVIEW)
    services.review_request_changes(review=review, user=editor, comment="Cut the ending.")
    client.force_login(writer)
    html = client.get(reverse("admin:reviews_review_change", args=[review.pk])).content.decode()
    notice = html.index('class="workflow-sent-back"')
    assert notice < html.index('id="workflow-title"') < html.index('id="review_form"')
    assert "Cut the ending." in html[notice : html.index('id="workflow-title"')]
    services.review_submit(review=review, user=writer)
    html = client.get(reverse("admin:reviews_review_change", args=[review.pk])).content.decode()
    assert 'class="workflow-sent-back"' not in html


def test_tags_are_shown_as_typed_and_read_back_the_same(client, editor):
    from taggit.utils import parse_tags

    review = ReviewFactory(tags=["London", "Film noir"])
    client.force_login(editor)
    form = (
        client.get(reverse("admin:reviews_review_change", args=[review.pk]))
        .context["adminform"]
        .form
    )
    shown = form["tags"].value()
    text = form.fields["tags"].widget.format_value(shown)
    assert '"' not in text
    assert sorted(parse_tags(text)) == ["Film noir", "London"]
    single = ReviewFactory(tags=["Film noir"])
    form = (
        client.get(reverse("admin:reviews_review_change", args=[single.pk]))
        .context["adminform"]
        .form
    )
    text = form.fields["tags"].widget.format_value(form["tags"].value())
    assert text == "Film noir," and parse_tags(text) == ["Film noir"]


def test_credits_sent_without_billing_numbers_follow_the_others_in_row_order(client, editor):
    client.force_login(editor)
    people = [PersonFactory() for _ in range(3)]
    data = {
        "title": "Strangers",
        "slug": "strangers",
        "year": "2023",
        "review_embargo_timezone": "UTC",
        "credits-TOTAL_FORMS": "3",
        "credits-INITIAL_FORMS": "0",
        "availabilities-TOTAL_FORMS": "0",
        "availabilities-INITIAL_FORMS": "0",
        "genre_links-TOTAL_FORMS": "0",
        "genre_links-INITIAL_FORMS": "0",
    }
    for index, (person, number) in enumerate(zip(people, ["", "5", ""], strict=True)):
        data |= {
            f"credits-{index}-person": person.pk,
            f"credits-{index}-role": "cast",
            f"credits-{index}-billing_order": number,
        }
    response = client.post(reverse("admin:reviews_film_add"), data)
    assert response.status_code == 302
    credits = Film.objects.get(slug="strangers").credits.all()
    assert [(c.person, c.billing_order) for c in credits] == [
        (people[1], 5),
        (people[0], 6),
        (people[2], 7),
    ]


# The review list's rows, written out directly (reviews.admin_lists).


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2024, 1, 5, 9, 7, tzinfo=datetime.UTC),
        datetime.datetime(2024, 7, 30, 23, 59, tzinfo=datetime.UTC),
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Europe/London"])
def test_list_times_read_as_everywhere_else_on_the_desk(settings, moment, zone):
    from django.utils.formats import date_format

    from magazine.zones import MOMENT_FORMAT, describe_moment
    from reviews.admin_lists import moment as list_moment

    settings.TIME_ZONE = zone
    # describe_moment writes the text itself (the lists show two a row): the same text as
    # Django's formatter gives for the desk's format, in the desk's zone and in another.
    local = moment.astimezone(timezone.get_default_timezone())
    assert describe_moment(moment) == date_format(local, MOMENT_FORMAT)
    tokyo = moment.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert describe_moment(moment, "Asia/Tokyo") == date_format(tokyo, MOMENT_FORMAT)
    assert list_moment(moment) == describe_moment(moment) and list_moment(None) == "–"


def test_the_review_list_rows_carry_the_admins_markup(client, editor):
    reviews = [ReviewFactory(published=True, headline="Grief <and> ghosts"), ReviewFactory()]
    client.force_login(editor)
    url = reverse("admin:reviews_review_changelist")
    html = client.get(url, {"status": "published"}).content.decode()
    review = reviews[0]
    change = reverse("admin:reviews_review_change", args=[review.pk])
    assert (
        f'<th class="field-headline"><a href="{change}?_changelist_filters=status%3Dpublished">'
        "Grief &lt;and&gt; ghosts</a></th>" in html
    )
    assert 'name="_selected_action" class="action-select"' in html
    assert f'value="{review.pk}"' in html and f'value="{reviews[1].pk}"' not in html
    assert f'<td class="field-film">{review.film}</td>' in html
    assert '<td class="field-status">Published</td>' in html


def test_an_unknown_column_falls_back_to_djangos_own_rows(client, editor, monkeypatch):
    from reviews.admin import ReviewAdmin

    monkeypatch.setattr(ReviewAdmin, "list_display", ["headline", "film", "slug"])
    ReviewFactory(slug="a-slug-only-django-shows")
    client.force_login(editor)
    html = client.get(reverse("admin:reviews_review_changelist")).content.decode()
    assert '<td class="field-slug">a-slug-only-django-shows</td>' in html


def test_the_review_list_costs_a_fixed_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    for _ in range(30):
        ReviewFactory(published=True)
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        client.get(reverse("admin:reviews_review_changelist"))


# Genres in the film's own order, as credits are in billing order.


def film_form_data(**fields) -> dict:
    """The film form as the admin posts it, with no credits or windows."""
    return {
        "title": "All of Us Strangers",
        "slug": "all-of-us-strangers",
        "year": "2023",
        "review_embargo_timezone": "UTC",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "availabilities-TOTAL_FORMS": "0",
        "availabilities-INITIAL_FORMS": "0",
        "genre_links-TOTAL_FORMS": "0",
        "genre_links-INITIAL_FORMS": "0",
        **fields,
    }


def genre_rows(rows: list[tuple], initial: int = 0) -> dict:
    """Inline rows of (genre, position[, link id]) as the film form posts them."""
    data = {"genre_links-TOTAL_FORMS": str(len(rows)), "genre_links-INITIAL_FORMS": str(initial)}
    for index, (genre, position, *link) in enumerate(rows):
        data |= {f"genre_links-{index}-genre": genre.pk, f"genre_links-{index}-position": position}
        if link:
            data |= {f"genre_links-{index}-id": link[0], f"genre_links-{index}-film": link[1]}
    return data


def test_an_editor_orders_a_films_genres_and_readers_see_that_order(client, editor):
    drama = Genre.objects.create(name="Drama", slug="drama")
    romance = Genre.objects.create(name="Romance", slug="romance")
    client.force_login(editor)
    html = client.get(reverse("admin:reviews_film_add")).content.decode()
    assert 'class="js-inline-admin-formset inline-group"' in html and "genre_links-0-genre" in html

    # Romance first, although Drama comes first by name.
    data = film_form_data(**genre_rows([(drama, "2"), (romance, "1")]))
    response = client.post(reverse("admin:reviews_film_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    film = Film.objects.get(slug="all-of-us-strangers")
    ordered = Film.objects.prefetch_related(genres_in_order()).get(pk=film.pk)
    assert list(ordered.genres.all()) == [romance, drama]
    page = client.get(film.get_absolute_url()).content.decode()
    assert page.index(">Romance<") < page.index(">Drama<")

    # Dragged the other way round: the numbers follow, and so does the reader's page.
    links = {link.genre: link.pk for link in FilmGenre.objects.filter(film=film)}
    rows = [(drama, "1", links[drama], film.pk), (romance, "2", links[romance], film.pk)]
    change = reverse("admin:reviews_film_change", args=[film.pk])
    film.refresh_from_db()
    data = film_form_data(edit_version=film.version, **genre_rows(rows, initial=2))
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    ordered = Film.objects.prefetch_related(genres_in_order()).get(pk=film.pk)
    assert list(ordered.genres.all()) == [drama, romance]
    page = client.get(film.get_absolute_url()).content.decode()
    assert page.index(">Drama<") < page.index(">Romance<")


def test_genres_sent_without_numbers_follow_the_others_in_row_order(client, editor):
    genres = [Genre.objects.create(name=name, slug=name.lower()) for name in ["C", "A", "B"]]
    client.force_login(editor)
    data = film_form_data(**genre_rows([(genres[0], ""), (genres[1], "5"), (genres[2], "")]))
    assert client.post(reverse("admin:reviews_film_add"), data).status_code == 302
    links = FilmGenre.objects.filter(film__slug="all-of-us-strangers")
    assert [(link.genre.name, link.position) for link in links] == [
        ("A", 5),
        ("C", 6),
        ("B", 7),
    ]


def test_a_genre_given_twice_is_refused_with_a_message(client, editor):
    drama = Genre.objects.create(name="Drama", slug="drama")
    client.force_login(editor)
    data = film_form_data(**genre_rows([(drama, "1"), (drama, "2")]))
    response = client.post(reverse("admin:reviews_film_add"), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert errors == ["Please correct the duplicate data for genre."]
    assert not Film.objects.filter(slug="all-of-us-strangers").exists()


def test_writers_see_no_genre_rows_and_editors_edit_them_with_the_film(writer, editor):
    from django.contrib.admin.sites import site

    from reviews.film_desk_admin import FilmGenreInline

    inline = FilmGenreInline(Film, site)
    request = type("Request", (), {"user": writer})()
    film = FilmFactory()
    assert not inline.has_change_permission(request, film)
    assert not inline.has_add_permission(request, film)
    request.user = editor
    assert inline.has_add_permission(request, None)
    assert inline.has_change_permission(request, film)
    assert inline.has_delete_permission(request, film)
