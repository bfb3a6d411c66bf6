import importlib

import pytest
import time_machine
from django.apps import apps

from tests.factories import NOON, CriticFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads into its own folder, and starts with an empty cache.

    The cache remembers image renditions by file name, so it must not outlive the folder.
    """
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with no cached pages and no content generation."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    yield


@pytest.fixture
def migrate(transactional_db):
    """`migrate(targets)` moves the test database to these migrations and returns the models
    as they were there. Afterwards, pass or fail, the database is back at the newest
    migrations: later tests share it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def to(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield to
    to(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def fragment_cache_only(settings):
    """The page cache off and the fragment caches on: every request renders the page, and
    only cached parts or cards can serve anything stale."""
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    settings.MAGAZINE_FRAGMENT_CACHE_SECONDS = 3600


@pytest.fixture
def clock():
    """Time stopped at NOON; `clock.move_to(...)` moves it."""
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def roles(db):
    """The Writer and Editor groups, made by the same code as the data migration.

    A migrated test database has them already; a flushed one (live_server tests) gets them back.
    """
    migration = importlib.import_module("reviews.migrations.0005_workflow_roles")
    migration.create_roles(apps)
    importlib.import_module("library.migrations.0002_library_roles").grant_library(apps)
    importlib.import_module("reviews.migrations.0016_film_desk_roles").add_permissions(apps)


@pytest.fixture
def writer(roles):
    """A writer with a login, linked to their own critic byline."""
    user = UserFactory(username="writer", role="Writer")
    CriticFactory(user=user)
    return user


@pytest.fixture
def other_writer(roles):
    user = UserFactory(username="other-writer", role="Writer")
    CriticFactory(user=user)
    return user


@pytest.fixture
def editor(roles):
    """An editor who also writes under a byline, so “own review” means something for them."""
    user = UserFactory(username="editor", role="Editor")
    CriticFactory(user=user)
    return user


@pytest.fixture
def superuser(db):
    user = UserFactory(username="chief", is_superuser=True)
    CriticFactory(user=user)
    return user
