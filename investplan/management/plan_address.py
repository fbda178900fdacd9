"""A plan named by its address on a management command's line. An address is unique within
a council only (decision 0047): where several councils have a plan at it, the command
names them and `--council` says whose is meant."""

from __future__ import annotations

from django.core.management.base import CommandError

from investplan.models import Organisation, Plan


def add_council_argument(parser, help: str = "") -> None:
    parser.add_argument(
        "--council",
        metavar="SLUG",
        help=help or "the council whose plan it is, when several councils have one there",
    )


# For the commands that take every plan when none is named (`recost`, `check_figures`).
EVERY_PLAN_OF_THE_COUNCIL = (
    "the council (its slug) whose plan it is, when several councils have one at the "
    "address; with no plan named, every plan of the council"
)


def council_named(slug: str) -> Organisation:
    council = Organisation.objects.filter(slug=slug).first()
    if council is None:
        raise CommandError(f"There is no council “{slug}”.")
    return council


def plan_at(slug: str, *, council: str | None = None) -> Plan | None:
    """The plan at the address, of the council named by its slug if one is; None if there
    is none. A CommandError names the councils when several have one and none is named."""
    plans = Plan.objects.select_related("organisation").filter(slug=slug)
    if council:
        return plans.filter(organisation=council_named(council)).first()
    found = list(plans.order_by("organisation__name", "organisation__slug"))
    if len(found) > 1:
        raise CommandError(several_councils(slug, found))
    return found[0] if found else None


def several_councils(slug: str, plans: list[Plan]) -> str:
    """As `plan_at` says it: which councils have a plan at the address, and how to choose."""
    councils = ", ".join(f"{plan.organisation.name} ({plan.organisation.slug})" for plan in plans)
    return (
        f"{len(plans)} councils have a plan at “{slug}”: {councils}. Say whose with "
        f"--council, e.g. --council {plans[0].organisation.slug}."
    )


def plans_named(slug: str | None, *, council: str | None = None):
    """The plans a command that takes every plan when none is named works on, in order:
    the one at the address (`plan_at`), else every plan of the council named, else all."""
    plans = Plan.objects.order_by("pk")
    if slug:
        found = plan_at(slug, council=council)
        if found is None:
            raise CommandError(f"There is no plan at {slug!r}.")
        return plans.filter(pk=found.pk)
    if council:
        return plans.filter(organisation=council_named(council))
    return plans
