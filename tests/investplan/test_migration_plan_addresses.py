"""Migration 0009: plan addresses go from unique across the installation to unique within
a council. Existing addresses are unique across it already, so every plan keeps its own."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("investplan", "0008_invitations")
AFTER = ("investplan", "0009_plan_slug_unique_in_council")


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def before(transactional_db):
    apps = migrate_to(BEFORE)
    yield apps
    # Whatever the test did, the database is left as the other tests expect it.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def plans_in(apps):
    Organisation = apps.get_model("investplan", "Organisation")
    Plan = apps.get_model("investplan", "Plan")
    for number in (1, 2):
        council = Organisation.objects.create(name=f"Council {number}", slug=f"council-{number}")
        for name in ("getting-to-good", "efficient"):
            Plan.objects.create(
                organisation=council,
                name=name,
                slug=f"{name}-{number}",
                first_year=2020,
                last_year=2021,
            )


def addresses(apps):
    return sorted(
        apps.get_model("investplan", "Plan").objects.values_list(
            "pk", "organisation__slug", "slug", "name"
        )
    )


def test_it_keeps_every_plan_and_its_address(before):
    plans_in(before)
    kept = addresses(before)

    after = migrate_to(AFTER)

    assert addresses(after) == kept
    assert len(kept) == 4


def test_it_lets_another_council_use_an_address_once_migrated(before):
    plans_in(before)

    after = migrate_to(AFTER)
    Plan = after.get_model("investplan", "Plan")
    council = after.get_model("investplan", "Organisation").objects.get(slug="council-2")
    Plan.objects.create(
        organisation=council, name="Copy", slug="getting-to-good-1", first_year=2020, last_year=2021
    )

    assert Plan.objects.filter(slug="getting-to-good-1").count() == 2


def test_it_still_refuses_one_council_two_plans_at_an_address_once_migrated(before):
    plans_in(before)

    after = migrate_to(AFTER)
    Plan = after.get_model("investplan", "Plan")
    council = after.get_model("investplan", "Organisation").objects.get(slug="council-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            organisation=council, name="Copy", slug="efficient-1", first_year=2020, last_year=2021
        )
