"""Every change to a line on record, and no lost update (issue 5, points 6 and 7)."""

from decimal import Decimal

import pytest

from posts.importing import import_appendix
from posts.models import PlanLine
from posts.services import (
    LineChangedElsewhere,
    line_version,
    revert_plan_line,
    update_plan_line,
)
from tests.factories import OrganisationFactory, PlanLineFactory, UserFactory
from tests.posts.appendix_files import WIRRAL, workbook_bytes

pytestmark = pytest.mark.django_db


def test_it_records_who_changed_which_field_from_what_to_what():
    line = PlanLineFactory(fte=Decimal("1"))
    finance = UserFactory(username="priya")
    update_plan_line(
        line_id=line.pk, seen_version=line_version(line), user=finance, fte=Decimal("0.5")
    )
    latest, before = line.history.order_by("-history_id")[:2]
    changes = {(c.field, c.old, c.new) for c in latest.diff_against(before).changes}
    assert changes == {("fte", Decimal("1.00"), Decimal("0.50"))}
    assert latest.history_user == finance


def test_it_refuses_a_save_made_from_an_old_version_and_says_what_changed():
    line = PlanLineFactory(fte=Decimal("1"))
    read_by_both = line_version(line)
    update_plan_line(
        line_id=line.pk,
        seen_version=read_by_both,
        user=UserFactory(username="priya"),
        fte=Decimal("2"),
    )
    with pytest.raises(LineChangedElsewhere) as refused:
        update_plan_line(
            line_id=line.pk, seen_version=read_by_both, user=UserFactory(), fte=Decimal("3")
        )
    assert refused.value.who == "priya"
    assert [(c.field, c.old, c.new) for c in refused.value.changes] == [("FTE", "1", "2")]
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("2")  # nothing overwritten


def test_it_reverts_a_line_to_an_earlier_version_as_a_change_on_record():
    line = PlanLineFactory(title="Social Worker")
    first = line_version(line)
    update_plan_line(line_id=line.pk, seen_version=first, title="Senior Social Worker")
    revert_plan_line(line_id=line.pk, to_version=first, seen_version=line_version(line))
    assert PlanLine.objects.get(pk=line.pk).title == "Social Worker"
    assert line.history.count() == 3
    assert line.history.order_by("-history_id")[0].history_change_reason == (
        f"reverted to version {first}"
    )


def test_it_starts_an_imported_lines_history_with_the_import():
    admin = UserFactory(username="admin-jo")
    report = import_appendix(
        organisation=OrganisationFactory(),
        plan_slug="wirral",
        file_name="wirral.xlsx",
        data=workbook_bytes(WIRRAL),
        user=admin,
    )
    line = PlanLine.objects.get(plan=report.plan, title="Team Manager")
    [record] = line.history.all()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        admin,
        "imported from wirral.xlsx row 4",
    )
    assert record.fte == line.fte and record.title == "Team Manager"
    allocation = (
        line.allocations.first()
        or PlanLine.objects.get(plan=report.plan, title="Social Worker").allocations.get()
    )
    assert allocation.history.get().history_type == "+"


def test_it_records_an_import_of_the_same_file_again_as_a_change():
    organisation = OrganisationFactory()
    for _ in range(2):
        report = import_appendix(
            organisation=organisation,
            plan_slug="wirral",
            file_name="wirral.xlsx",
            data=workbook_bytes(WIRRAL),
        )
    line = PlanLine.objects.get(plan=report.plan, title="Team Manager")
    assert [r.history_type for r in line.history.order_by("history_id")] == ["+", "~"]
