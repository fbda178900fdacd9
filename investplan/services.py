"""Write operations on plans. Small, keyword-only, each in one transaction."""

from __future__ import annotations

from django.db import transaction

from investplan.models import Assumptions, EmployerNIRate, PayAward, Plan


@transaction.atomic
def create_plan(
    *, organisation, name: str, slug: str, first_year: int, last_year: int, **details
) -> Plan:
    """A plan and its default assumptions, validated as the admin would."""
    plan = Plan(
        organisation=organisation,
        name=name,
        slug=slug,
        first_year=first_year,
        last_year=last_year,
        **details,
    )
    plan.full_clean()
    plan.save()
    Assumptions.objects.create(plan=plan)
    return plan


@transaction.atomic
def set_assumptions(*, plan: Plan, pay_awards=(), ni_rates=(), **values) -> Assumptions:
    """Replace a plan's assumptions: `values` are Assumptions fields; `pay_awards` are
    (financial_year, percent, agreed); `ni_rates` are (financial_year, percent, threshold)."""
    assumptions, _ = Assumptions.objects.get_or_create(plan=plan)
    for field, value in values.items():
        setattr(assumptions, field, value)
    assumptions.full_clean()
    assumptions.save()
    assumptions.pay_awards.all().delete()
    for financial_year, percent, agreed in pay_awards:
        award = PayAward(
            assumptions=assumptions, financial_year=financial_year, percent=percent, agreed=agreed
        )
        award.full_clean()
        award.save()
    assumptions.ni_rates.all().delete()
    for financial_year, percent, threshold in ni_rates:
        rate = EmployerNIRate(
            assumptions=assumptions,
            financial_year=financial_year,
            percent=percent,
            secondary_threshold=threshold,
        )
        rate.full_clean()
        rate.save()
    return assumptions
