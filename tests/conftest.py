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
        help="run only the tests that reach the database (CI's second run, on PostgreSQL: "
        "a test that reaches no database passes or fails the same on either)",
    )


def reaches_the_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    kept, passed_over = [], []
    for item in items:
        (kept if reaches_the_database(item) else passed_over).append(item)
    config.hook.pytest_deselected(items=passed_over)
    items[:] = kept
