"""Findings, assumptions, pay scales and people (issue 5, points 1, 4 and 5)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investplan.models import Finding, Inspection, Membership, PayAward, Role
from posts.models import Grade, SpinalSalary
from tests.factories import (
    MembershipFactory,
    PayScaleFactory,
    PlanLineFactory,
    make_grade,
)

pytestmark = pytest.mark.django_db


def member(plan, role):
    return MembershipFactory(organisation=plan.organisation, role=role).user


def formset(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def flat_on_costs(percent: str) -> dict:
    """The assumptions form's on-costs, posted as a flat percentage with a 0.5% levy."""
    return {
        "assumptions-on_cost_method": "flat",
        "assumptions-flat_on_cost_percent": percent,
        "assumptions-pension_percent": "0",
        "assumptions-levy_percent": "0.5",
    }


def test_it_records_an_inspections_findings_and_links_a_line_to_one(client, plan):
    client.force_login(member(plan, Role.FINANCE_OFFICER))
    organisation = plan.organisation.slug
    client.post(
        reverse("findings", args=[organisation]),
        {"kind": "ilacs", "date": "2019-11-15", "overall_judgement": "inadequate"},
    )
    inspection = Inspection.objects.get(organisation=plan.organisation)
    client.post(
        reverse("inspection", args=[organisation, inspection.pk]),
        {
            "kind": "ilacs",
            "date": "2019-11-15",
            "overall_judgement": "inadequate",
            **formset("findings", 1),
            "findings-0-reference": "para 36",
            "findings-0-text": "Caseloads are too high for social workers",
            "findings-0-position": "1",
        },
    )
    finding = Finding.objects.get(inspection=inspection)
    line = PlanLineFactory(plan=plan)

    page = client.get(reverse("posts:line", args=[plan.slug, line.pk])).content.decode()

    assert finding.reference == "para 36"
    assert f'value="{finding.pk}"' in page and "Caseloads are too high" in page


def test_it_lets_a_viewer_read_findings_but_not_record_them(client, plan):
    client.force_login(member(plan, Role.VIEWER))
    address = reverse("findings", args=[plan.organisation.slug])

    page = client.get(address).content.decode()
    response = client.post(address, {"kind": "ilacs"})

    assert "Record an inspection" not in page
    assert response.status_code == 403


def test_it_changes_the_on_costs_and_pay_awards_with_each_change_on_record(client, plan):
    user = member(plan, Role.FINANCE_OFFICER)
    client.force_login(user)

    response = client.post(
        reverse("assumptions", args=[plan.slug]),
        {
            **flat_on_costs("30.5"),
            "assumptions-vacancy_factor_percent": "0",
            **formset("awards", 1),
            "awards-0-financial_year": "2021/22",
            "awards-0-percent": "2.75",
            **formset("ni", 0),
        },
    )

    assert response.status_code == 302
    plan.assumptions.refresh_from_db()
    assert plan.assumptions.flat_on_cost_percent == Decimal("30.5")
    award = PayAward.objects.get(assumptions=plan.assumptions)
    assert (award.financial_year, award.percent) == (2021, Decimal("2.75"))
    assert plan.assumptions.history.first().history_user == user


def test_it_refuses_a_forged_count_of_rows_and_changes_nothing(client, plan):
    client.force_login(member(plan, Role.FINANCE_OFFICER))
    before = plan.assumptions.flat_on_cost_percent

    response = client.post(
        reverse("assumptions", args=[plan.slug]),
        {
            **flat_on_costs("30.5"),
            "assumptions-vacancy_factor_percent": "0",
            **formset("awards", 0),
            **formset("ni", 999_999_999_999),
        },
    )

    assert response.status_code == 422
    assert "At most 500 rows can be saved on this page at once." in response.content.decode()
    plan.assumptions.refresh_from_db()
    assert plan.assumptions.flat_on_cost_percent == before


def test_it_names_the_row_and_field_of_a_bad_pay_award(client, plan):
    client.force_login(member(plan, Role.FINANCE_OFFICER))

    response = client.post(
        reverse("assumptions", args=[plan.slug]),
        {
            **flat_on_costs("29"),
            "assumptions-vacancy_factor_percent": "0",
            **formset("awards", 1),
            "awards-0-financial_year": "twenty-one",
            "awards-0-percent": "2",
            **formset("ni", 0),
        },
    )

    assert response.status_code == 422
    assert "Row 1, Financial year: Enter a financial year like 2025/26" in (
        response.content.decode()
    )
    assert not PayAward.objects.exists()


def test_it_keeps_a_pay_scales_salaries_by_year_and_its_grades(client, plan):
    client.force_login(member(plan, Role.ADMIN))
    scale = PayScaleFactory(organisation=plan.organisation, name="NJC")
    grade = make_grade(scale, "K", ["40000", "41000"], year=2025)
    low, high = grade.bottom_point, grade.top_point
    address = reverse("posts:pay-scale", args=[plan.organisation.slug, scale.pk])

    response = client.post(
        address,
        {
            **formset("points", 2, 2),
            "points-0-id": low.pk,
            "points-0-code": low.code,
            "points-0-ordinal": low.ordinal,
            "points-1-id": high.pk,
            "points-1-code": high.code,
            "points-1-ordinal": high.ordinal,
            f"salaries-r{low.pk}-y2025": "40500",
            f"salaries-r{high.pk}-y2025": "41000",
            **formset("grades", 2, 1),
            "grades-0-id": grade.pk,
            "grades-0-code": "K",
            "grades-0-bottom_point": low.pk,
            "grades-0-top_point": high.pk,
            "grades-1-code": "K-top",
            "grades-1-bottom_point": high.pk,
            "grades-1-top_point": high.pk,
            "add-year": "2026/27",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?add-year=2026%2F27")
    assert SpinalSalary.objects.get(point=low, financial_year=2025).salary.amount == Decimal(
        "40500"
    )
    assert Grade.objects.filter(pay_scale=scale, code="K-top").exists()
    page = client.get(response["Location"]).content.decode()
    assert "2026/27 £" in page  # the new year's column, to fill in


def test_it_changes_a_persons_role(client, plan):
    client.force_login(member(plan, Role.ADMIN))
    membership = MembershipFactory(organisation=plan.organisation, role=Role.VIEWER)

    client.post(
        reverse("membership", args=[plan.organisation.slug, membership.pk]),
        {"role": "finance_officer"},
    )

    membership.refresh_from_db()
    assert membership.role == Role.FINANCE_OFFICER


def test_it_keeps_at_least_one_admin(client, plan):
    admin = MembershipFactory(organisation=plan.organisation, role=Role.ADMIN)
    client.force_login(admin.user)

    response = client.post(
        reverse("membership", args=[plan.organisation.slug, admin.pk]),
        {"action": "remove"},
        follow=True,
    )

    assert "must keep at least one admin" in response.content.decode()
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_it_will_not_manage_another_councils_people(client, plan):
    elsewhere = MembershipFactory(role=Role.VIEWER)
    client.force_login(member(plan, Role.ADMIN))

    response = client.post(
        reverse("membership", args=[plan.organisation.slug, elsewhere.pk]), {"role": "admin"}
    )

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == Role.VIEWER


def test_it_keeps_the_true_cost_assumptions_in_pounds_and_percent(client, plan):
    client.force_login(member(plan, Role.FINANCE_OFFICER))

    response = client.post(
        reverse("assumptions", args=[plan.slug]),
        {
            **flat_on_costs("29"),
            "assumptions-agency_share_percent": "15",
            "assumptions-agency_premium": "30000",
            "assumptions-recruitment_payment": "5000",
            "assumptions-retention_payment": "",
            **formset("awards", 0),
            **formset("ni", 0),
        },
    )

    assert response.status_code == 302
    assumptions = plan.assumptions
    assumptions.refresh_from_db()
    assert assumptions.agency_share_percent == Decimal("15")
    assert (assumptions.agency_premium.amount, assumptions.recruitment_payment.amount) == (
        Decimal("30000"),
        Decimal("5000"),
    )
    assert (assumptions.retention_payment.amount, assumptions.vacancy_factor_percent) == (0, 0)


def test_it_refuses_a_negative_agency_premium_naming_the_field(client, plan):
    client.force_login(member(plan, Role.FINANCE_OFFICER))

    response = client.post(
        reverse("assumptions", args=[plan.slug]),
        {
            **flat_on_costs("29"),
            "assumptions-agency_premium": "-30000",
            **formset("awards", 0),
            **formset("ni", 0),
        },
    )

    assert response.status_code == 422
    assert "Agency premium per FTE per year (£)" in response.content.decode()
