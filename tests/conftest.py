import pytest

from tests.factories import PlanFactory, UserFactory


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


@pytest.fixture(autouse=True)
def _fresh_costing_cache():
    # Rolled-back tests can reuse primary keys and revisions; start each test empty.
    from figures.costing import costing_cache

    costing_cache.clear()
    yield
    costing_cache.clear()
