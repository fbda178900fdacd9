import pytest

from investplan.models import Role
from tests.factories import MembershipFactory, PlanFactory, UserFactory


@pytest.fixture
def plan(db):
    return PlanFactory()


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def council_admin(client):
    """The test client, signed in as an admin of a council of their own (`.organisation`)."""
    membership = MembershipFactory(role=Role.ADMIN)
    client.force_login(membership.user)
    client.organisation = membership.organisation
    return client


# Fixtures through which a test reaches the database (pytest-django's own names).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that reach the database other than through a browser "
        "(CI's second run, on PostgreSQL; decision 0040)",
    )


def reaches_the_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def runs_again_on_postgresql(item) -> bool:
    """A test the second database has something to say about: one that reaches it, but
    not through a browser (the journeys' writes go through the services the other tests
    run on PostgreSQL; the browser, the page and the form are the same on either)."""
    return reaches_the_database(item) and item.get_closest_marker("e2e") is None


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    kept, passed_over = [], []
    for item in items:
        (kept if runs_again_on_postgresql(item) else passed_over).append(item)
    config.hook.pytest_deselected(items=passed_over)
    items[:] = kept
