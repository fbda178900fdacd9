"""Storing figures as a change is saved: in its transaction, for the lines it moved; a
large plan's recosting left to the background worker; the admin's changes too."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import MultiWidget
from django.template import Context, Template
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from figures import services
from figures.checks import differences
from figures.models import FindingPart, FundingPart, LineFigures, LineYearFigure, PlanFigures
from figures.services import FIGURE_MODELS, copy_figures, recost_plan_later
from investplan.forms import assumptions_forms
from investplan.models import Assumptions, Plan
from investplan.services import (
    change_plan,
    copy_plan_as_scenario,
    save_assumptions,
    set_assumptions,
)
from posts.models import PlanLine, SpinalSalary
from posts.services import add_plan_line, delete_plan_line, line_version, update_plan_line
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    OrganisationFactory,
    PayScaleFactory,
    PlanLineFactory,
    line_form_data,
    make_grade,
)

pytestmark = pytest.mark.django_db
YEAR = 2020  # the first year of a PlanFactory plan


def stored(plan) -> dict:
    """Every figure row of the plan, without ids, by model and line."""
    rows = {}
    for model in FIGURE_MODELS:
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if not field.primary_key and field.attname not in ("plan_id",)
        ]
        rows[model] = sorted(
            (
                tuple(str(value) for value in row)
                for row in model.objects.filter(plan=plan).values_list(*names)
            ),
        )
    return rows


def year_cost(line) -> D:
    return LineYearFigure.objects.get(line=line, financial_year=YEAR).cost_in_pounds.amount


def page_plan(plan) -> Plan:
    """The plan as a page reads it: with its assumptions."""
    return Plan.objects.select_related("organisation", "assumptions").get(pk=plan.pk)


@pytest.fixture
def post(plan):
    """A 1 FTE post at £32,878 from April 2020, on 29% on-costs: £42,412.62 a year."""
    return add_plan_line(
        plan=plan,
        title="Social Worker",
        fte=D("1"),
        start_date=date(2020, 4, 1),
        annual_salary=D("32878"),
    )


# -- the change and its figures commit together ---------------------------------------


def test_it_stores_a_new_lines_figures_as_it_is_added(post):
    assert year_cost(post) == D("42413")
    assert LineFigures.objects.get(line=post).fte == D("1")


def test_it_leaves_the_old_figures_when_a_change_fails_validation(post):
    before = stored(post.plan)

    with pytest.raises(ValidationError):
        update_plan_line(line_id=post.pk, seen_version=line_version(post), fte=D("-1"))

    assert stored(post.plan) == before


def test_it_takes_back_the_figures_with_a_change_rolled_back_after_them(post):
    with pytest.raises(RuntimeError), transaction.atomic():
        update_plan_line(line_id=post.pk, seen_version=line_version(post), fte=D("2"))
        assert year_cost(post) == D("84825")
        raise RuntimeError("the page's later save failed")

    assert year_cost(post) == D("42413")


def test_it_removes_a_deleted_lines_figures(post):
    AllocationFactory(line=post, source=FundingSourceFactory(organisation=post.plan.organisation))

    delete_plan_line(line=post)

    assert all(not model.objects.filter(line_id=post.pk).exists() for model in FIGURE_MODELS)


# -- assumptions read as the pages read them (drift found by tests/figures/test_drift.py)


def test_it_recosts_on_the_new_true_cost_assumptions_given_a_plan_read_with_its_old(post):
    plan = page_plan(post.plan)
    assert plan.assumptions.vacancy_factor_percent == D("0")

    set_assumptions(plan=plan, flat_on_cost_percent=D("29"), vacancy_factor_percent=D("5"))

    figure = LineYearFigure.objects.get(line=post, financial_year=YEAR)
    assert figure.vacancy_factor.amount == D("-2121")  # 5% of £42,412.62, taken off
    assert differences(Plan.objects.get(pk=plan.pk)) == []


def test_it_recosts_on_the_true_cost_the_assumptions_page_saves(post):
    plan = page_plan(post.plan)
    shown = assumptions_forms(plan)
    data = {**posted(shown[0]), **posted(shown[1]), **posted(shown[2])}
    data["assumptions-recruitment_payment"] = "2000"
    data["assumptions-retention_payment"] = "1500"
    PlanLine.objects.filter(pk=post.pk).update(reward_scheme=True)  # a change the page makes
    services.refigure_plan(plan=plan)
    forms = assumptions_forms(plan, data)
    assert all(form.is_valid() for form in forms), [form.errors for form in forms]

    save_assumptions(user=None, plan=plan, forms=forms)

    figure = LineYearFigure.objects.get(line=post, financial_year=YEAR)
    assert (figure.recruitment.amount, figure.retention.amount) == (D("2000"), D("1500"))
    assert differences(Plan.objects.get(pk=plan.pk)) == []


def test_it_moves_a_plans_years_past_the_end_of_a_grant_paying_for_a_line(post):
    grant = FundingSourceFactory(organisation=post.plan.organisation, end_date=date(2021, 3, 31))
    AllocationFactory(line=post, source=grant, percent=D("50"))

    change_plan(plan=post.plan, name=post.plan.name, first_year=2021, last_year=2021)

    full_year = FundingPart.objects.get(line=post, source=grant, financial_year=None)
    assert (full_year.cost_in_pounds.amount, full_year.cliff_in_pounds.amount) == (
        D("0"),
        D("21207"),  # half of £42,413, had the grant continued
    )
    assert differences(Plan.objects.get(pk=post.plan_id)) == []


# -- large plans: recosted by the background worker ------------------------------------


@pytest.fixture
def large_plan(plan, monkeypatch):
    """A plan of four posts, more than a request recosts (the threshold lowered to 3)."""
    monkeypatch.setattr(services, "RECOST_IN_REQUEST", 3)
    for _ in range(4):
        PlanLineFactory(plan=plan)
    return plan


def test_it_marks_a_large_plan_recalculating_and_leaves_its_figures_until_recosted(large_plan):
    before = stored(large_plan)

    set_assumptions(plan=large_plan, flat_on_cost_percent=D("30"))

    assert PlanFigures.objects.get(plan=large_plan).recalculating
    assert stored(large_plan) == before


def test_it_enqueues_the_recosting_of_a_large_plan_as_the_change_commits(
    large_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        set_assumptions(plan=large_plan, flat_on_cost_percent=D("30"))
        assert not DBTaskResult.objects.exists()

    for callback in callbacks:
        callback()
    task = DBTaskResult.objects.get()
    assert task.task_path == "figures.services.recost_plan_later"
    assert task.args_kwargs == {"args": [large_plan.pk], "kwargs": {}}


def test_it_clears_recalculating_once_the_worker_has_recosted_the_plan(large_plan):
    set_assumptions(plan=large_plan, flat_on_cost_percent=D("30"))

    recost_plan_later.call(large_plan.pk)

    assert not PlanFigures.objects.get(plan=large_plan).recalculating
    assert year_cost(PlanLine.objects.filter(plan=large_plan).first()) == D("42741")
    assert differences(large_plan) == []


def test_it_recosts_in_the_request_a_plan_at_the_threshold(large_plan):
    PlanLine.objects.filter(plan=large_plan).first().delete()

    set_assumptions(plan=large_plan, flat_on_cost_percent=D("30"))

    assert not PlanFigures.objects.filter(plan=large_plan, wanted__gt=0).exists()
    assert differences(large_plan) == []


def notice(plan) -> str:
    return Template("{% load figures %}{% figures_notice plan %}").render(Context({"plan": plan}))


def test_it_says_figures_are_being_recalculated_while_the_worker_has_not_recosted(large_plan):
    set_assumptions(plan=large_plan, flat_on_cost_percent=D("30"))

    assert "Figures are being recalculated." in notice(large_plan)


def test_it_says_nothing_of_recalculating_once_recosted(large_plan):
    set_assumptions(plan=large_plan, flat_on_cost_percent=D("30"))
    recost_plan_later.call(large_plan.pk)

    assert notice(large_plan).strip() == ""


def test_it_copies_a_scenarios_figures_as_a_fresh_costing_of_it_gives_them(post):
    AllocationFactory(line=post, source=FundingSourceFactory(organisation=post.plan.organisation))

    copy = copy_plan_as_scenario(plan=post.plan, name="Efficient structure")

    copied = stored(copy)
    assert copied[LineYearFigure] and copied[FundingPart] and copied[FindingPart]
    services.refigure_plan(plan=copy)
    assert stored(copy) == copied


def test_it_deletes_a_plans_figure_rows_with_the_plan(post):
    # The database does not check a figure row's plan (decision 0045): Django's cascade
    # must still take every row with it.
    AllocationFactory(line=post, source=FundingSourceFactory(organisation=post.plan.organisation))
    services.refigure_plan(plan=post.plan)
    plan_id = post.plan.pk
    assert all(model.objects.filter(plan_id=plan_id).exists() for model in FIGURE_MODELS)

    Plan.objects.get(pk=plan_id).delete()

    assert [model.objects.filter(plan_id=plan_id).count() for model in FIGURE_MODELS] == [0] * 4


def test_it_copies_nothing_for_no_lines(plan):
    copy_figures(plan=plan, copied={})

    assert not LineFigures.objects.filter(plan=plan).exists()


# -- the admin ------------------------------------------------------------------------


def posted(form) -> dict:
    """What a page posts back for a form or formset as shown."""
    data = {}
    forms = [form.management_form, *form.forms] if hasattr(form, "forms") else [form]
    for each in forms:
        for field in each:
            value = field.value()
            widget = field.field.widget
            if isinstance(widget, MultiWidget):
                parts = value if isinstance(value, list | tuple) else widget.decompress(value)
                for suffix, part in zip(widget.widgets_names, parts, strict=True):
                    if part is not None:
                        data[f"{field.html_name}{suffix}"] = str(part)
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            elif value is not None and value is not False:
                data[field.html_name] = "on" if value is True else str(value)
    return data


def admin_page(admin_client, url) -> dict:
    """What the admin change page posts back unchanged: its form and inlines."""
    context = admin_client.get(url).context
    data = posted(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        data.update(posted(inline.formset))
    return data


@pytest.mark.urls("tests.figures.admin_urls")
def test_it_recosts_a_line_whose_fte_the_admin_changes(admin_client, plan):
    line = PlanLineFactory(plan=plan)
    data = line_form_data(plan, title=line.title, fte="2")

    response = admin_client.post(reverse("admin:posts_planline_change", args=[line.pk]), data)

    assert response.status_code == 302
    assert year_cost(line) == D("84825")
    assert differences(plan) == []


@pytest.mark.urls("tests.figures.admin_urls")
def test_it_recosts_the_plan_when_the_admin_changes_an_assumption(admin_client, plan):
    line = PlanLineFactory(plan=plan)
    url = reverse("admin:investplan_assumptions_change", args=[plan.assumptions.pk])
    data = admin_page(admin_client, url)
    data["flat_on_cost_percent"] = "30"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert Assumptions.objects.get(plan=plan).flat_on_cost_percent == D("30")
    assert year_cost(line) == D("42741")
    assert differences(plan) == []


@pytest.mark.urls("tests.figures.admin_urls")
def test_it_recosts_the_councils_plans_when_the_admin_changes_a_spine_salary(admin_client, plan):
    grade = make_grade(PayScaleFactory(organisation=plan.organisation), "SW", ["30000"], YEAR)
    line = PlanLineFactory(plan=plan, grade=grade, annual_salary=None)
    scenario = copy_plan_as_scenario(plan=plan, name="Efficient structure")
    salary = SpinalSalary.objects.get(point=grade.bottom_point)
    url = reverse("admin:posts_spinalsalary_change", args=[salary.pk])
    data = admin_page(admin_client, url)
    data["salary_0"] = "40000"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert year_cost(line) == D("51600")
    assert differences(plan) == [] and differences(scenario) == []


@pytest.mark.urls("tests.figures.admin_urls")
def test_it_refigures_a_line_whose_allocation_the_admin_deletes(admin_client, post):
    grant = FundingSourceFactory(organisation=post.plan.organisation)
    allocation = AllocationFactory(line=post, source=grant, percent=D("50"))

    response = admin_client.post(
        reverse("admin:funding_allocation_delete", args=[allocation.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not FundingPart.objects.filter(line=post, source=grant).exists()
    assert differences(post.plan) == []


@pytest.mark.urls("tests.figures.admin_urls")
def test_it_refigures_the_lines_whose_allocations_the_admin_deletes_together(admin_client, plan):
    grant = FundingSourceFactory(organisation=plan.organisation)
    allocations = [AllocationFactory(line=PlanLineFactory(plan=plan), source=grant) for _ in "ab"]

    response = admin_client.post(
        reverse("admin:funding_allocation_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [allocation.pk for allocation in allocations],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not FundingPart.objects.filter(source=grant).exists()
    assert differences(plan) == []


def test_it_costs_a_plan_with_no_assumptions_yet_on_the_defaults():
    plan = Plan.objects.create(
        organisation=OrganisationFactory(),
        name="Bare",
        slug="bare",
        first_year=2020,
        last_year=2020,
    )
    line = PlanLine.objects.create(
        plan=plan,
        kind="new_post",
        title="Social Worker",
        fte=1,
        start_date=date(2020, 4, 1),
        annual_salary=30000,
    )

    services.refigure_plan(plan=plan)

    assert LineFigures.objects.get(line=line).error == ""
    assert differences(plan) == []
