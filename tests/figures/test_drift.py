"""Issue 17, acceptance point 5: no sequence of changes made through the services leaves a
plan's stored figures other than what a fresh costing gives.

A state machine makes random edits through the real services (lines added, changed,
duplicated, deleted, restored and reverted; allocations saved through the formset the
funding page posts; findings linked; assumptions, spine salaries, a funding source's end
date and a plan's years changed; an appendix imported; a scenario copied; a new plan
started as a copy of another) and, after
every step, compares each plan's stored figures with `figures.checks.differences`."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import modelformset_factory
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from figures.checks import differences
from funding.forms import FundingSourceForm, allocation_formset
from funding.models import FundingSource
from funding.services import save_allocations
from investplan.models import Finding, Inspection, InspectionKind, OnCostMethod, Plan
from investplan.services import (
    change_plan,
    copy_plan_as_scenario,
    create_plan,
    save_council_reference,
    set_assumptions,
    start_plan,
)
from posts.importing import import_appendix
from posts.models import LineKind, PlanLine, SpinalPoint
from posts.services import (
    CannotRestore,
    add_plan_line,
    delete_plan_line,
    duplicate_plan_line,
    line_version,
    restore_plan_line,
    revert_plan_line,
    save_pay_scale,
    update_plan_line,
)
from tests.factories import FundingSourceFactory, OrganisationFactory, PayScaleFactory, make_grade
from tests.posts.appendix_files import csv_bytes

pytestmark = pytest.mark.django_db

MOST_LINES = 8
MOST_PLANS = 3
YEARS = range(2023, 2029)

starts = st.sampled_from(
    [
        date(2023, 4, 1),
        date(2024, 4, 1),
        date(2024, 10, 15),
        date(2025, 1, 1),
        date(2025, 9, 1),
        date(2026, 4, 1),
        date(2028, 6, 1),
    ]
)
ends = st.sampled_from(
    [
        {"end_date": None, "duration_months": None},
        {"end_date": date(2025, 3, 31), "duration_months": None},
        {"end_date": date(2026, 9, 30), "duration_months": None},
        {"end_date": None, "duration_months": 6},
        {"end_date": None, "duration_months": 24},
    ]
)
ftes = st.sampled_from([D("0.5"), D("1"), D("1.5"), D("2")])
pounds = st.sampled_from([D("18000"), D("32878.50"), D("45000"), D("61234.99")])
percents = st.sampled_from([D("10"), D("25"), D("33.333"), D("50"), D("100")])
small_percents = st.sampled_from([D("0"), D("0.5"), D("3"), D("13.8"), D("29")])


def posted(formset) -> dict:
    """What a page posts back for the formset as it is shown, as a browser would."""
    data = {}
    for form in [formset.management_form, *formset.forms]:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else str(value)
    return data


@contextmanager
def saved_or_refused(what: str, refusal=ValidationError):
    """A change the services may refuse (the page would say why); which it was is
    recorded with `hypothesis.event`, to see how often each change is really saved."""
    try:
        yield
    except refusal:
        event(f"{what}: refused")
    else:
        event(f"{what}: saved")


class PlansEdited(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each example's rows are rolled back at its end: every one starts from the same
        # empty database.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.organisation = OrganisationFactory()
        scale = PayScaleFactory(organisation=self.organisation)
        self.social_worker = make_grade(scale, "SW", ["30000", "31500", "33000"], year=2024)
        self.team_manager = make_grade(scale, "TM", ["42000", "44500"], year=2024)
        self.points = list(SpinalPoint.objects.filter(pay_scale=scale).order_by("ordinal"))
        self.sources = [
            FundingSourceFactory(organisation=self.organisation, name="Grant A"),
            FundingSourceFactory(
                organisation=self.organisation, name="Grant B", end_date=date(2025, 3, 31)
            ),
            FundingSourceFactory(organisation=self.organisation, name="Base budget"),
        ]
        inspection = Inspection.objects.create(
            organisation=self.organisation, kind=InspectionKind.ILACS
        )
        self.findings = [
            Finding.objects.create(inspection=inspection, text=text, position=position)
            for position, text in enumerate(["Caseloads are too high", "Drift in plans"])
        ]
        plan = create_plan(
            organisation=self.organisation,
            name="Improvement plan",
            slug="improvement",
            first_year=2024,
            last_year=2026,
        )
        self.plan_ids = [plan.pk]
        self.deleted: list[tuple[int, int]] = []  # (plan id, line id)
        self.names = itertools.count(1)

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # -- what the steps act on ----------------------------------------------------

    def plan(self, index: int) -> Plan:
        """A plan as a page reads it (with its assumptions), to hand to a service."""
        plan_id = self.plan_ids[index % len(self.plan_ids)]
        return Plan.objects.select_related("organisation", "assumptions").get(pk=plan_id)

    def line(self, index: int) -> PlanLine | None:
        lines = list(PlanLine.objects.filter(plan_id__in=self.plan_ids).order_by("pk"))
        return lines[index % len(lines)] if lines else None

    def room(self, plan: Plan, more: int = 1) -> bool:
        return PlanLine.objects.filter(plan=plan).count() + more <= MOST_LINES

    def pay(self, data, kind: str) -> dict:
        if kind == LineKind.NON_STAFF:
            return {"amount": data.draw(pounds), "one_off": data.draw(st.booleans()), "fte": None}
        fields = {"fte": data.draw(ftes)}
        if kind == LineKind.UPLIFT:
            fields.update(grade=self.team_manager, from_grade=self.social_worker)
        elif data.draw(st.booleans()):
            grade = data.draw(st.sampled_from([self.social_worker, self.team_manager]))
            point = data.draw(st.sampled_from([None, *grade_points(grade)]))
            fields.update(grade=grade, point=point, annual_salary=None)
        else:
            fields.update(grade=None, point=None, annual_salary=data.draw(pounds))
        if data.draw(st.integers(0, 3)) == 0:
            fields["stated_annual_cost"] = data.draw(pounds)
        return fields

    # -- lines (posts.services) -------------------------------------------------------

    @initialize(data=st.data(), count=st.integers(2, 5))
    def add_lines(self, data, count):
        for _ in range(count):
            self.add_line(data, 0)

    @rule(data=st.data(), which=st.integers(0, 9))
    def add_line(self, data, which):
        plan = self.plan(which)
        if not self.room(plan):
            return
        kind = data.draw(st.sampled_from(LineKind.values))
        fields = {
            "kind": kind,
            "title": f"Post {next(self.names)}",
            "start_date": data.draw(starts),
            **data.draw(ends),
            **self.pay(data, kind),
        }
        if kind == LineKind.NEW_POST:
            fields.update(
                social_worker=data.draw(st.booleans()),
                reward_scheme=data.draw(st.booleans()),
                expected_start_date=data.draw(st.sampled_from([None, date(2025, 2, 1)])),
                agency_cover=data.draw(st.booleans()),
            )
        findings = data.draw(st.lists(st.sampled_from(self.findings), unique=True, max_size=2))
        with saved_or_refused("add a line"):
            add_plan_line(plan=plan, findings=findings, **fields)

    @rule(data=st.data(), which=st.integers(0, 99))
    def change_line(self, data, which):
        line = self.line(which)
        if line is None:
            return
        changes = data.draw(
            st.sampled_from(["fte", "start", "end", "pay", "findings", "true cost", "headcount"])
        )
        fields, findings = {}, None
        if changes == "fte" and line.kind != LineKind.NON_STAFF:
            fields["fte"] = data.draw(ftes)
        elif changes == "start":
            fields["start_date"] = data.draw(starts)
        elif changes == "end":
            fields.update(data.draw(ends))
        elif changes == "pay":
            fields.update(self.pay(data, line.kind))
        elif changes == "findings":
            findings = data.draw(st.lists(st.sampled_from(self.findings), unique=True, max_size=2))
        elif changes == "true cost":
            fields.update(
                social_worker=data.draw(st.booleans()),
                reward_scheme=data.draw(st.booleans()),
                actual_start_date=data.draw(st.sampled_from([None, date(2025, 6, 1)])),
                agency_cover=data.draw(st.booleans()),
            )
        else:
            fields["headcount"] = data.draw(st.sampled_from([None, 1, 3]))
        with saved_or_refused(f"change a line's {changes}"):
            update_plan_line(
                line_id=line.pk, seen_version=line_version(line), findings=findings, **fields
            )

    @rule(which=st.integers(0, 99))
    def duplicate_line(self, which):
        line = self.line(which)
        if line is not None and self.room(line.plan):
            duplicate_plan_line(line=line)
            event("duplicate a line: saved")

    @rule(which=st.integers(0, 99))
    def delete_line(self, which):
        line = self.line(which)
        if line is not None:
            self.deleted.append((line.plan_id, delete_plan_line(line=line).line_id))
            event("delete a line: saved")

    @precondition(lambda self: self.deleted)
    @rule(which=st.integers(0, 99))
    def restore_line(self, which):
        plan_id, line_id = self.deleted.pop(which % len(self.deleted))
        plan = Plan.objects.get(pk=plan_id)
        if not self.room(plan):
            return
        with saved_or_refused("restore a line", CannotRestore):
            restore_plan_line(plan=plan, line_id=line_id)

    @rule(which=st.integers(0, 99), back=st.integers(1, 5))
    def revert_line(self, which, back):
        line = self.line(which)
        if line is None:
            return
        versions = list(line.history.order_by("-history_id").values_list("history_id", flat=True))
        if len(versions) < 2:
            return
        with saved_or_refused("revert a line"):
            revert_plan_line(
                line_id=line.pk,
                to_version=versions[min(back, len(versions) - 1)],
                seen_version=versions[0],
            )

    # -- funding (funding.services, through the formset the funding page posts) --------

    @rule(data=st.data(), which=st.integers(0, 99))
    def fund_line(self, data, which):
        line = self.line(which)
        if line is None:
            return
        shown = allocation_formset(line)
        wanted = {
            source.pk: data.draw(
                st.one_of(
                    st.none(),
                    percents.map(lambda percent: ("percent", percent)),
                    pounds.map(lambda amount: ("amount", amount / 4)),
                )
            )
            for source in self.sources
        }
        post = posted(shown)
        spare = iter(range(shown.initial_form_count(), shown.total_form_count()))
        for form in shown.forms:
            if form.instance.pk is None:
                continue
            share = wanted.pop(form.instance.source_id)
            if share is None:
                post[f"{form.prefix}-DELETE"] = "on"
            else:
                post.pop(f"{form.prefix}-percent", None)
                post.pop(f"{form.prefix}-amount", None)
                post[f"{form.prefix}-{share[0]}"] = str(share[1])
        for source_id, share in wanted.items():
            index = next(spare, None)
            if share is None or index is None:
                continue
            post[f"allocations-{index}-source"] = str(source_id)
            post[f"allocations-{index}-{share[0]}"] = str(share[1])
        formset = allocation_formset(line, post)
        if formset.is_valid():  # over 100%: the page says so and saves nothing
            save_allocations(line=line, formset=formset)
            event("fund a line: saved")
        else:
            event("fund a line: refused")

    # -- assumptions (investplan.services) --------------------------------------------

    @rule(data=st.data(), which=st.integers(0, 9))
    def change_assumptions(self, data, which):
        plan = self.plan(which)
        computed = data.draw(st.booleans())
        years = st.sampled_from(list(YEARS))
        awards = data.draw(
            st.lists(
                st.tuples(years, st.sampled_from([D("0"), D("2"), D("3.5")]), st.booleans()),
                max_size=3,
                unique_by=lambda award: award[0],
            )
        )
        rates = []
        if computed:
            # Every year of the plan, or all but one (its lines then cannot be costed).
            covered = data.draw(st.sampled_from([list(YEARS), list(YEARS)[1:]]))
            rates = [(year, D("13.8"), D("9100")) for year in covered]
        set_assumptions(
            plan=plan,
            on_cost_method=OnCostMethod.COMPUTED if computed else OnCostMethod.FLAT,
            flat_on_cost_percent=data.draw(small_percents),
            pension_percent=data.draw(small_percents),
            levy_percent=D("0.5"),
            increments=data.draw(st.booleans()),
            vacancy_factor_percent=data.draw(st.sampled_from([D("0"), D("5")])),
            agency_share_percent=data.draw(st.sampled_from([D("0"), D("20")])),
            agency_premium=data.draw(st.sampled_from([D("0"), D("25000")])),
            recruitment_payment=data.draw(st.sampled_from([D("0"), D("2000")])),
            retention_payment=data.draw(st.sampled_from([D("0"), D("1500")])),
            pay_awards=awards,
            ni_rates=rates,
        )
        event("change assumptions: saved")

    # -- the council's reference data ---------------------------------------------------

    @rule(data=st.data())
    def change_spine(self, data):
        point = data.draw(st.sampled_from(self.points))
        year = data.draw(st.sampled_from([2024, 2025]))
        salary = data.draw(st.sampled_from([None, D("30500"), D("36000.50"), D("47000")]))
        save_pay_scale(
            user=None,
            organisation=self.organisation,
            forms=[],
            salaries={(point.pk, year): salary},
        )
        event("change a spine salary: saved")

    @rule(data=st.data())
    def change_source_end(self, data):
        Sources = modelformset_factory(
            FundingSource, form=FundingSourceForm, extra=1, can_delete=False
        )
        queryset = FundingSource.objects.filter(organisation=self.organisation)
        shown = Sources(queryset=queryset, prefix="sources")
        post = posted(shown)
        form = data.draw(st.sampled_from(shown.forms[: len(self.sources)]))
        end = data.draw(st.sampled_from([None, date(2025, 3, 31), date(2025, 9, 30)]))
        post[f"{form.prefix}-end_date"] = end.isoformat() if end else ""
        sources = Sources(post, queryset=queryset, prefix="sources")
        for each in sources.forms:
            each.instance.organisation = self.organisation
        assert sources.is_valid(), sources.errors
        save_council_reference(user=None, organisation=self.organisation, forms=[sources])
        event("change a source's end date: saved")

    # -- plans (investplan.services) ------------------------------------------------------

    @rule(
        which=st.integers(0, 9), first=st.sampled_from([2023, 2024, 2025]), span=st.integers(0, 2)
    )
    def change_years(self, which, first, span):
        plan = self.plan(which)
        change_plan(plan=plan, name=plan.name, first_year=first, last_year=first + span)
        event("change a plan's years: saved")

    @precondition(lambda self: len(self.plan_ids) < MOST_PLANS)
    @rule(which=st.integers(0, 9))
    def copy_as_scenario(self, which):
        plan = self.plan(which)
        copy = copy_plan_as_scenario(plan=plan, name=f"Scenario {next(self.names)}")
        self.plan_ids.append(copy.pk)
        event("copy a plan as a scenario: saved")

    @precondition(lambda self: len(self.plan_ids) < MOST_PLANS)
    @rule(which=st.integers(0, 9), first=st.sampled_from([2024, 2025]), flat=small_percents)
    def start_plan_as_a_copy(self, which, first, flat):
        plan = start_plan(
            organisation=self.organisation,
            name=f"Plan {next(self.names)}",
            first_year=first,
            last_year=first + 1,
            on_cost_method=OnCostMethod.FLAT,
            flat_on_cost_percent=flat,
            copy_of=self.plan(which),
        )
        self.plan_ids.append(plan.pk)
        event("start a plan as a copy: saved")

    @rule(data=st.data(), which=st.integers(0, 9))
    def import_appendix(self, data, which):
        plan = self.plan(which)
        rows = data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["Social Worker", "Team Manager", "Business Support"]),
                    st.sampled_from(["tbc", "SW", "TM"]),
                    st.sampled_from(["1", "0.5", "2"]),
                    st.sampled_from(["45,000", "£ 61,234", "30000"]),
                    st.sampled_from(
                        ["Funded by Grant A", "Met from Grant B", "Requires additional funding"]
                    ),
                ),
                min_size=1,
                max_size=3,
            )
        )
        if not self.room(plan, len(rows)):
            return
        name = data.draw(st.sampled_from(["posts.csv", "more posts.csv"]))
        report = import_appendix(
            organisation=self.organisation,
            plan_slug=plan.slug,
            file_name=name,
            data=csv_bytes([["Post", "Grade", "FTE", "Annual cost", "Comment"], *rows]),
        )
        event(f"import an appendix: {'refused' if report.has_errors else 'saved'}")

    # -- after every step ---------------------------------------------------------------

    @invariant()
    def figures_are_as_costed(self):
        for plan_id in self.plan_ids:
            plan = Plan.objects.get(pk=plan_id)
            assert [str(difference) for difference in differences(plan)] == []


def grade_points(grade) -> list[SpinalPoint]:
    return list(
        SpinalPoint.objects.filter(
            pay_scale_id=grade.pay_scale_id,
            ordinal__gte=grade.bottom_point.ordinal,
            ordinal__lte=grade.top_point.ordinal,
        )
    )


EXAMPLES = settings(
    max_examples=30,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_it_keeps_every_plans_figures_as_a_fresh_costing_gives_them(db):
    run_state_machine_as_test(PlansEdited, settings=EXAMPLES)
