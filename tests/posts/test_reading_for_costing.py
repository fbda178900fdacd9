"""Reading a plan's lines for costing: what hangs off them in a fixed number of queries,
and their findings and allocations only when some line is asked for its own."""

from decimal import Decimal

import pytest

from investplan.models import Finding, Inspection
from posts.models import PlanLine
from tests.factories import AllocationFactory, FundingSourceFactory, PlanFactory, PlanLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    """Three lines: the first paid by two grants and answering two findings, the second
    paid by one grant, the third by nobody and answering nothing."""
    plan = PlanFactory()
    first, second, _ = (PlanLineFactory(plan=plan, position=position) for position in (1, 2, 3))
    grants = [FundingSourceFactory(organisation=plan.organisation, name=name) for name in "AB"]
    AllocationFactory(line=first, source=grants[1], percent=Decimal("40"), position=2)
    AllocationFactory(line=first, source=grants[0], percent=Decimal("60"), position=1)
    AllocationFactory(line=second, source=grants[1], percent=Decimal("100"), position=1)
    inspection = Inspection.objects.create(organisation=plan.organisation, kind="ilacs")
    for position, reference in ((2, "para 9"), (1, "para 4")):
        finding = Finding.objects.create(
            inspection=inspection, reference=reference, text="…", position=position
        )
        first.findings.add(finding)
    return plan


def read_for_costing(plan):
    return PlanLine.objects.filter(plan=plan).order_by("position").for_costing()


# Allocations then their funding sources; links to findings then the findings.
@pytest.mark.parametrize("asked_for", ["funding_allocations", "answered_findings"])
def test_it_reads_what_one_line_asks_for_for_every_line_in_two_queries(
    plan, asked_for, django_assert_num_queries
):
    lines = read_for_costing(plan)

    with django_assert_num_queries(2):
        getattr(lines[2], asked_for)
    with django_assert_num_queries(0):
        for line in lines:
            getattr(line, asked_for)


def test_it_reads_no_findings_when_only_allocations_are_asked_for(plan, django_assert_num_queries):
    lines = read_for_costing(plan)
    for line in lines:
        line.funding_allocations  # noqa: B018

    with django_assert_num_queries(2):
        lines[0].answered_findings  # noqa: B018


def test_it_gives_each_line_its_own_allocations_in_order(plan):
    lines = read_for_costing(plan)

    assert [
        [(allocation.source.name, allocation.percent) for allocation in line.funding_allocations]
        for line in lines
    ] == [[("A", Decimal("60")), ("B", Decimal("40"))], [("B", Decimal("100"))], []]


def test_it_gives_each_line_its_own_findings_in_order(plan):
    lines = read_for_costing(plan)

    assert [[finding.reference for finding in line.answered_findings] for line in lines] == [
        ["para 4", "para 9"],
        [],
        [],
    ]


def test_it_reads_a_line_read_on_its_own_by_itself(plan, django_assert_num_queries):
    line = PlanLine.objects.get(plan=plan, position=2)

    with django_assert_num_queries(1):
        allocations = line.funding_allocations

    assert [allocation.source.name for allocation in allocations] == ["B"]
