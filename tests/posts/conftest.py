import pytest

from investplan.models import Role
from tests.factories import MembershipFactory


@pytest.fixture
def admin(client):
    """A client signed in as an admin of a council of its own (`client.organisation`)."""
    membership = MembershipFactory(role=Role.ADMIN)
    client.force_login(membership.user)
    client.organisation = membership.organisation
    return client
