"""Linking an admin login to a critic's byline is for those who may manage users."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import CriticFactory, UserFactory


def change_form_data(critic, **overrides) -> dict:
    data = {
        "person": critic.person_id,
        "byline": critic.byline,
        "slug": critic.slug,
        "bio": critic.bio,
        "affiliations": "",
        "user": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor(roles):
    return UserFactory(username="editor", role="Editor")


def test_an_editor_cannot_tie_a_login_to_a_byline(client, editor):
    critic = CriticFactory()
    someone = UserFactory(username="someone")
    client.force_login(editor)

    page = client.get(reverse("admin:people_critic_change", args=[critic.pk]))
    response = client.post(
        reverse("admin:people_critic_change", args=[critic.pk]),
        change_form_data(critic, user=someone.pk, bio="A new bio."),
    )

    assert 'name="user"' not in page.content.decode()
    assert response.status_code == 302
    critic.refresh_from_db()
    assert critic.bio == "A new bio."  # the rest of the form still saves
    assert critic.user is None


def test_an_editor_cannot_untie_a_login_either(client, editor):
    owner = UserFactory(username="owner")
    critic = CriticFactory(user=owner)
    client.force_login(editor)

    client.post(
        reverse("admin:people_critic_change", args=[critic.pk]), change_form_data(critic, user="")
    )

    critic.refresh_from_db()
    assert critic.user == owner


def test_someone_who_may_manage_users_links_a_login(client, editor):
    editor.user_permissions.add(Permission.objects.get(codename="change_user"))
    critic = CriticFactory()
    someone = UserFactory(username="someone")
    client.force_login(editor)

    response = client.post(
        reverse("admin:people_critic_change", args=[critic.pk]),
        change_form_data(critic, user=someone.pk),
    )

    assert response.status_code == 302
    critic.refresh_from_db()
    assert critic.user == someone
