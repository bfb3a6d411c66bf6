import pytest

from people.models import Critic, Person
from tests.factories import CriticFactory, LibraryImageFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_critic_is_a_person_with_a_byline_and_affiliations():
    critic = CriticFactory(
        person=PersonFactory(name="Kimber Myers"),
        affiliations="Los Angeles Times,  Other Outlet ,",
    )
    assert str(critic) == "Kimber Myers"
    assert critic.affiliation_list == ["Los Angeles Times", "Other Outlet"]
    assert critic.person.critic == critic
    assert critic.get_absolute_url() == "/critics/kimber-myers/"


def test_portrait_falls_back_to_the_person_headshot():
    person = PersonFactory(headshot=LibraryImageFactory())
    critic = CriticFactory(person=person)
    assert critic.portrait == person.headshot
    critic.headshot = LibraryImageFactory()
    critic.save()
    assert critic.portrait == critic.headshot


def test_natural_keys_are_slugs():
    critic = CriticFactory()
    assert Critic.objects.get_by_natural_key(critic.slug) == critic
    assert Person.objects.get_by_natural_key(critic.person.slug) == critic.person


def test_active_critics():
    active = CriticFactory()
    CriticFactory(is_active=False)
    assert list(Critic.objects.active()) == [active]


def test_people_app_does_not_import_reviews():
    import pathlib

    import people

    for path in pathlib.Path(people.__file__).parent.rglob("*.py"):
        text = path.read_text()
        assert "from reviews" not in text and "import reviews" not in text, path
