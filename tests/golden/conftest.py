"""The golden plans, built once for the module (two of 2,000 lines take seconds, not
the milliseconds a test should), and removed again when it is done."""

import pytest
from django.db import transaction

from tests.golden import plans


def pytest_addoption(parser):
    parser.addoption(
        "--golden-write",
        action="store_true",
        default=False,
        help="capture the golden outputs again instead of comparing (tests/golden/README.md)",
    )


@pytest.fixture(scope="module")
def golden_plans(django_db_setup, django_db_blocker):
    # Built inside a transaction that is rolled back when the module is done, as a
    # TestCase's class-level data is: each test's own transaction is a savepoint within
    # it, and no other test module ever sees these plans. Deleting them row by row
    # instead took 17 s (every deleted line is put on record).
    with django_db_blocker.unblock(), transaction.atomic():
        yield {
            "demo": plans.build_demo(),
            **{name: plans.build_generated(name) for name in plans.GENERATED},
        }
        transaction.set_rollback(True)


@pytest.fixture
def golden_write(request) -> bool:
    return request.config.getoption("--golden-write", default=False)
