"""Every form's error paths, walked with bad input as a user would type it: each error is
said once (in the page's summary, and beside its field), in the users' words, never by a
constraint's name, an internal file name or a Python repr, and nothing is half-saved."""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import CheckConstraint

from funding.models import Allocation, FundingAvailability, FundingSource
from investplan.models import Plan
from tests.factories import FundingSourceFactory, PlanLineFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

CONSTRAINT_NAMES = sorted(
    constraint.name
    for model in apps.get_models()
    for constraint in model._meta.constraints
    if isinstance(constraint, CheckConstraint)
)
# What only code says: a repr ("<Grade: K>"), a Python file, a traceback, a temporary file.
INTERNAL = re.compile(r"<\w+[: ][^>]*>|\.py\b|Traceback|\.tsv\b|/tmp/|site-packages|Constraint “")


def formset(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def demo(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    plan = Plan.objects.get(slug="middlesbrough-2020")
    client.force_login(get_user_model().objects.get(username="admin"))
    for name in ("Improvement grant", "Base budget"):
        FundingSource.objects.create(organisation=plan.organisation, name=name, kind="grant")
    return plan


def _context(plan):
    line = plan.lines.get(title="Social Worker")
    first, second = FundingSource.objects.filter(organisation=plan.organisation)
    scale = plan.organisation.pay_scales.get()
    return {
        "plan": plan.slug,
        "council": plan.organisation.slug,
        "line": line.pk,
        "first": first.pk,
        "second": second.pk,
        "scale": scale.pk,
        "scale_name": scale.name,
        "points": list(scale.points.values_list("pk", "code", "ordinal")),
    }


def _funding(c, *rows):
    data = formset("allocations", len(rows))
    for index, row in enumerate(rows):
        data.update({f"allocations-{index}-{name}": value for name, value in row.items()})
    return f"/plans/{c['plan']}/lines/{c['line']}/funding/", data


def _email_of(username: str) -> str:
    """A demo person's address, given them here (the demo has none)."""
    email = f"{username}@example.gov.uk"
    get_user_model().objects.filter(username=username).update(email=email)
    return email


def _points(c, codes):
    data = {**formset("points", len(c["points"]), len(c["points"])), **formset("grades", 0)}
    for index, ((pk, _, ordinal), code) in enumerate(zip(c["points"], codes, strict=False)):
        data.update({f"points-{index}-id": pk, f"points-{index}-code": code})
        data[f"points-{index}-ordinal"] = ordinal
    return f"/organisations/{c['council']}/pay-scales/{c['scale']}/", data


def _assumptions(c, **changes):
    data = {
        "assumptions-on_cost_method": "flat",
        "assumptions-flat_on_cost_percent": "29",
        "assumptions-pension_percent": "0",
        "assumptions-levy_percent": "0.5",
        **formset("awards", 0),
        **formset("ni", 0),
    }
    data.update(changes)
    return f"/plans/{c['plan']}/assumptions/", data


# (what is typed, the request it makes, the messages the user must read, each once)
ERROR_PATHS = {
    "allocations over 100%": (
        lambda c: _funding(
            c, {"source": c["first"], "percent": "80"}, {"source": c["second"], "percent": "40"}
        ),
        ["Allocations to funding sources come to 120%, more than 100%."],
    ),
    "an allocation with a percentage and an amount": (
        lambda c: _funding(c, {"source": c["first"], "percent": "80", "amount": "1000"}),
        ["Give a percentage or a fixed amount a year, not both or neither."],
    ),
    "an allocation with neither": (
        lambda c: _funding(c, {"source": c["first"]}),
        ["Give a percentage or a fixed amount a year, not both or neither."],
    ),
    "an allocation of a negative amount": (
        lambda c: _funding(c, {"source": c["first"], "amount": "-5"}),
        ["A fixed amount a year must be above £0."],
    ),
    "an allocation of 0%": (
        lambda c: _funding(c, {"source": c["first"], "percent": "0"}),
        ["A percentage of the line's cost must be above 0%."],
    ),
    "one source in two allocations": (
        lambda c: _funding(
            c, {"source": c["first"], "percent": "10"}, {"source": c["first"], "percent": "20"}
        ),
        ["Each source can fund a line once: put its shares together in one row."],
    ),
    "two sources of one name": (
        lambda c: (
            f"/organisations/{c['council']}/funding-sources/",
            {
                **formset("sources", 2, 2),
                "sources-0-id": c["first"],
                "sources-0-name": "Improvement grant",
                "sources-0-kind": "grant",
                "sources-1-id": c["second"],
                "sources-1-name": "Improvement grant",
                "sources-1-kind": "grant",
            },
        ),
        ["Each funding source needs its own name."],
    ),
    "a source with no name, a bad date and a negative amount": (
        lambda c: (
            f"/organisations/{c['council']}/funding-sources/",
            {
                **formset("sources", 2, 2),
                "sources-0-id": c["first"],
                "sources-0-name": "",
                "sources-0-kind": "grant",
                "sources-0-end_date": "31/13/2021",
                "sources-1-id": c["second"],
                "sources-1-name": "Base budget",
                "sources-1-kind": "grant",
                f"available-r{c['first']}-y2020": "-5",
            },
        ),
        ["This field is required.", "Enter a valid date.", "An amount cannot be below £0."],
    ),
    "a line of bad figures": (
        lambda c: (
            f"/plans/{c['plan']}/lines/{c['line']}/",
            {
                "kind": "new_post",
                "title": "Social Worker",
                "status": "proposed",
                "fte": "-1",
                "fte_in_post": "0",
                "headcount": "0",
                "start_date": "2021-04-01",
                "end_date": "2020-01-01",
            },
        ),
        [
            "FTE must be above zero (you entered -1).",
            "A headcount is at least one person.",
            "The end date (1 Jan 2020) is before the start date (1 Apr 2021).",
        ],
    ),
    "a line edited in place with a bad FTE": (
        lambda c: (
            f"/plans/{c['plan']}/lines/{c['line']}/in-place/",
            {"title": "Social Worker", "fte": "-1", "start_date": "2020-04-01"},
        ),
        ["FTE must be above zero (you entered -1)."],
    ),
    "assumptions out of range": (
        lambda c: _assumptions(c, **{"assumptions-flat_on_cost_percent": "150"}),
        ["Give a percentage between 0 and 100, e.g. 29.5"],
    ),
    "two pay awards for one year": (
        lambda c: _assumptions(
            c,
            **formset("awards", 2),
            **{
                "awards-0-financial_year": "2021/22",
                "awards-0-percent": "2",
                "awards-1-financial_year": "2021/22",
                "awards-1-percent": "3",
            },
        ),
        ["Two rows have the same financial year: give each row its own."],
    ),
    "a pay award in a year that is not one": (
        lambda c: _assumptions(
            c,
            **formset("awards", 1),
            **{"awards-0-financial_year": "20x", "awards-0-percent": "2"},
        ),
        ["Enter a financial year like 2025/26 (you entered “20x”)."],
    ),
    "a second pay scale of one name": (
        lambda c: (f"/organisations/{c['council']}/pay-scales/", {"name": c["scale_name"]}),
        ["There is already a pay scale called “Middlesbrough grades (2020/21 mid-points)”."],
    ),
    "two spinal points of one code": (
        lambda c: _points(c, ["X", "X"] + [code for _, code, _ in c["points"][2:]]),
        ["Two rows have the same code: give each row its own."],
    ),
    "a person with a bad email": (
        lambda c: (
            f"/organisations/{c['council']}/users/",
            {"email": "not-an-address", "name": "Newbie", "role": "viewer"},
        ),
        ["Enter a valid email address."],
    ),
    "a person already here": (
        lambda c: (
            f"/organisations/{c['council']}/users/",
            {"email": _email_of("finance"), "name": "", "role": "viewer"},
        ),
        ["Someone with the address finance@example.gov.uk is already here."],
    ),
    "an inspection on a day that does not exist": (
        lambda c: (
            f"/organisations/{c['council']}/findings/",
            {"kind": "ilacs", "date": "2019-02-30"},
        ),
        ["Enter a valid date."],
    ),
    "a paste of nothing": (
        lambda c: (f"/plans/{c['plan']}/paste/", {"cells": "", "action": "preview"}),
        ["This field is required."],
    ),
    "an import of a file that is not a spreadsheet": (
        lambda c: (f"/organisations/{c['council']}/imports/", {"plan": "new-plan"}),
        ["This field is required."],
    ),
}


def _where_said(html: str, message: str) -> tuple[int, int]:
    """How often the page says `message` in its summary, messages and rows, and how often
    beside a field (as the GOV.UK pattern repeats a field's error there)."""
    beside = re.findall(r'<p class="error-message"[^>]*>.*?</p>', html, flags=re.S)
    elsewhere = re.sub(r'<p class="error-message"[^>]*>.*?</p>', " ", html, flags=re.S)
    return (
        visible_text(elsewhere).count(message),
        sum(visible_text(each).count(message) for each in beside),
    )


def _summary_items(html: str) -> list[str]:
    summaries = re.findall(r'<div class="error-summary".*?</div>', html, flags=re.S)
    return [
        visible_text(item)
        for summary in summaries
        for item in re.findall(r"<li>(.*?)</li>", summary, flags=re.S)
    ]


@pytest.mark.parametrize("path", sorted(ERROR_PATHS))
def test_it_says_each_error_once_in_the_users_words(demo, client, path):
    request, messages = ERROR_PATHS[path]
    address, data = request(_context(demo))

    response = client.post(address, data)

    html = response.content.decode()
    text = visible_text(html)
    assert response.status_code == 422
    # Once in the page's summary (and beside its field, if it has one), or only beside
    # its field where the row is edited in place.
    said = {message: _where_said(html, message) for message in messages}
    assert {m: where for m, where in said.items() if where not in {(1, 0), (1, 1), (0, 1)}} == {}
    items = _summary_items(html)
    assert len(items) == len(set(items))
    assert INTERNAL.findall(text) == []
    assert [name for name in CONSTRAINT_NAMES if name in text] == []


def test_it_saves_no_allocation_of_a_line_over_funded(demo, client):
    request, _ = ERROR_PATHS["allocations over 100%"]
    address, data = request(_context(demo))

    client.post(address, data)

    assert not Allocation.objects.exists()


def test_it_knows_the_check_constraints_it_keeps_out_of_sight():
    assert "allocation_percent_or_amount" in CONSTRAINT_NAMES
    assert "line_fte_above_zero" in CONSTRAINT_NAMES


def _breaches(plan):
    """One row breaking each check constraint that forms and the admin check on save and
    that no field validator states first."""
    line = PlanLineFactory(plan=plan)
    source = FundingSourceFactory(organisation=plan.organisation)
    return {
        "allocation_percent_or_amount": Allocation(line=line, source=source),
        "allocation_amount_above_zero": Allocation(line=line, source=source, amount=Decimal("-5")),
        "available_not_negative": FundingAvailability(
            source=source, financial_year=2020, amount=Decimal("-1")
        ),
    }


@pytest.mark.parametrize(
    "constraint",
    ["allocation_percent_or_amount", "allocation_amount_above_zero", "available_not_negative"],
)
def test_it_states_a_constraint_in_words_not_by_its_name(plan, constraint):
    row = _breaches(plan)[constraint]

    with pytest.raises(ValidationError) as raised:
        row.full_clean()

    said = " ".join(raised.value.messages)
    assert constraint not in said
    assert "Constraint" not in said
