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
