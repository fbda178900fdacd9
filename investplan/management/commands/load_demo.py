"""Load the demo council, plan and users from fixtures/demo/, once. `make run` calls this
on every start: a demo plan already there is left exactly as its users left it (their
lines, awards, sources, passwords). `--reset` deletes the demo council and everything in
it, and loads the demo afresh."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from figures.costs.financial_year import FinancialYear
from figures.services import refigure_plan
from investplan.models import (
    Finding,
    Inspection,
    Membership,
    Organisation,
    Plan,
    Team,
    Workstream,
)
from investplan.reading import ONE_OFF, PERMANENT, parse_duration
from investplan.services import create_plan, set_assumptions
from posts.models import Grade, PayScale, PlanLine, SpinalPoint, SpinalSalary
from posts.services import save_plan_line

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "middlesbrough-2020.json"
AS_ABOVE = {"as above", "see comments above", "see above"}


class Command(BaseCommand):
    help = (
        "Load the demo plan (Middlesbrough, 2020) and one demo user per role, unless it is "
        "already loaded: then it is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_FILE))
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo council and all in it (its plans, funding sources, pay "
            "scales, findings and roles) and load the demo afresh.",
        )

    def handle(self, *args, file, reset=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo refuses to run with DEBUG off: demo users have a published "
                "password. Set DJANGO_DEBUG=1 on a local machine."
            )
        data = json.loads(Path(file).read_text(encoding="utf-8"))
        with transaction.atomic():
            if reset:
                remove(data)
            existing = demo_plan(data).first()
            if existing is not None:
                self.stdout.write(
                    f"The demo plan “{existing.name}” ({existing.slug}) is already loaded: "
                    "left as it is, with every change made to it. "
                    "`manage.py load_demo --reset` restores the demo as it was first loaded."
                )
                return
            plan = load(data)
        self.stdout.write(
            f"Demo plan “{plan.name}” ({plan.slug}) has {plan.lines.count()} lines; "
            f"users {', '.join(user['username'] for user in data['users'])} "
            f"(password {data['password']})."
        )


def demo_plan(data):
    """The demo council's plan at the demo address: another council's plan there is its
    own (addresses are unique within a council, decision 0047)."""
    return Plan.objects.filter(
        organisation__slug=data["organisation"]["slug"], slug=data["plan"]["slug"]
    )


def remove(data) -> None:
    """Delete the demo council with everything in it; the demo users stay (their passwords
    and roles are set again by `load`)."""
    plans = Plan.objects.filter(organisation__slug=data["organisation"]["slug"])
    organisation = Organisation.objects.filter(slug=data["organisation"]["slug"])
    # What protects a row from deletion goes first: lines hold their funding sources and
    # grades, and grades hold their spinal points.
    PlanLine.objects.filter(plan__in=plans).delete()
    plans.delete()
    Grade.objects.filter(pay_scale__organisation__in=organisation).delete()
    organisation.delete()


def load(data) -> Plan:
    organisation, _ = Organisation.objects.update_or_create(
        slug=data["organisation"]["slug"], defaults={"name": data["organisation"]["name"]}
    )
    grades = load_pay_scale(organisation, data["pay_scale"])
    plan = load_plan(organisation, data)
    findings = load_findings(organisation, data)
    load_lines(plan, organisation, grades, findings, data)
    refigure_plan(plan=plan)
    load_users(organisation, data)
    return plan


def load_pay_scale(organisation, scale) -> dict[str, Grade]:
    pay_scale, _ = PayScale.objects.get_or_create(organisation=organisation, name=scale["name"])
    year = FinancialYear.parse(scale["financial_year"]).start_year
    grades = {}
    ordered = sorted(scale["grades"], key=lambda grade: Decimal(grade["salary"]))
    for ordinal, entry in enumerate(ordered, start=1):
        point, _ = SpinalPoint.objects.update_or_create(
            pay_scale=pay_scale, code=entry["point"], defaults={"ordinal": ordinal}
        )
        SpinalSalary.objects.update_or_create(
            point=point, financial_year=year, defaults={"salary": Decimal(entry["salary"])}
        )
        grades[entry["code"]], _ = Grade.objects.update_or_create(
            pay_scale=pay_scale,
            code=entry["code"],
            defaults={"bottom_point": point, "top_point": point},
        )
    return grades


def load_plan(organisation, data) -> Plan:
    details = data["plan"]
    first = FinancialYear.parse(details["first_year"]).start_year
    last = FinancialYear.parse(details["last_year"]).start_year
    fields = {
        "name": details["name"],
        "status": details["status"],
        "committee": details.get("committee", ""),
        "description": details.get("description", ""),
    }
    plan = demo_plan(data).first()
    if plan is None:
        plan = create_plan(
            organisation=organisation,
            slug=details["slug"],
            first_year=first,
            last_year=last,
            **fields,
        )
    else:
        Plan.objects.filter(pk=plan.pk).update(first_year=first, last_year=last, **fields)
        plan.refresh_from_db()
    assumptions = data["assumptions"]
    set_assumptions(
        plan=plan,
        on_cost_method=assumptions["on_cost_method"],
        flat_on_cost_percent=Decimal(assumptions["flat_on_cost_percent"]),
        increments=assumptions["increments"],
        pay_awards=[
            (
                FinancialYear.parse(award["financial_year"]).start_year,
                Decimal(award["percent"]),
                award["agreed"],
            )
            for award in assumptions["pay_awards"]
        ],
    )
    return plan


def load_findings(organisation, data) -> dict[str, Finding]:
    entry = data["inspection"]
    inspection, _ = Inspection.objects.update_or_create(
        organisation=organisation,
        kind=entry["kind"],
        date=entry["date"],
        defaults={"overall_judgement": entry["overall_judgement"]},
    )
    findings = {}
    for position, finding in enumerate(data["findings"], start=1):
        findings[finding["key"]], _ = Finding.objects.update_or_create(
            inspection=inspection,
            position=position,
            defaults={
                "reference": finding["reference"],
                "text": finding["text"],
                "judgement_area": finding["judgement_area"],
            },
        )
    return findings


def load_lines(plan, organisation, grades, findings, data):
    start = date.fromisoformat(data["start_date"])
    workstreams = {}
    previous_finding = None
    for position, row in enumerate(data["lines"], start=1):
        name = row.get("workstream")
        if name and name not in workstreams:
            workstreams[name], _ = Workstream.objects.update_or_create(
                plan=plan, name=name, defaults={"position": len(workstreams) + 1}
            )
        team, _ = Team.objects.get_or_create(organisation=organisation, name=row["team"])
        # "As above" means the finding of the line above, however far up it was written.
        key = row.get("finding")
        if key and key.strip().lower() in AS_ABOVE:
            finding = previous_finding
        else:
            finding = findings[key] if key else None
        previous_finding = finding
        duration = parse_duration(row["duration"])
        money = {
            field: Decimal(row[field]) if row.get(field) else None
            for field in ("stated_annual_cost", "annual_salary", "amount")
        }
        fte = Decimal(row["fte"]) if row.get("fte") else None
        # The paper states each annual cost for the row's FTE (decision 0016).
        stated_cost_fte = fte if money["stated_annual_cost"] is not None else None
        line = PlanLine.objects.filter(plan=plan, position=position).first()
        save_plan_line(
            line=line,
            plan=plan,
            position=position,
            section=row.get("section", ""),
            kind=row["kind"],
            title=row["title"],
            workstream=workstreams.get(name),
            team=team,
            phase=row.get("phase", ""),
            justification=row.get("justification", ""),
            grade=grades.get(row.get("grade")),
            grade_as_written=row.get("grade_as_written", row.get("grade", "")),
            fte=fte,
            stated_cost_fte=stated_cost_fte,
            start_date=start,
            end_date=None,
            duration_months=duration.months if duration.kind not in (PERMANENT, ONE_OFF) else None,
            one_off=bool(row.get("one_off")),
            **money,
            findings=[finding] if finding else [],
        )
    PlanLine.objects.filter(plan=plan, position__gt=len(data["lines"])).delete()


def load_users(organisation, data):
    User = get_user_model()
    for entry in data["users"]:
        user, _ = User.objects.get_or_create(username=entry["username"])
        user.is_staff = user.is_superuser = bool(entry.get("staff"))
        user.set_password(data["password"])
        user.save()
        Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": entry["role"]}
        )
