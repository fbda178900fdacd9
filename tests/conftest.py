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
