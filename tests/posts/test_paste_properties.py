"""Paste from Excel (issue 16, item 3), checked by hypothesis: whatever the preview shows
for a block of cells is what the database holds after adding it."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from investplan.models import Role
from posts.models import PlanLine, SpinalSalary
from tests.factories import MembershipFactory, PayScaleFactory, PlanFactory, make_grade

pytestmark = pytest.mark.django_db

HEADER = "Post\tGrade\tFTE\tStart date\tDuration\tSalary\tWorkstream\tWhere based"
UNICODE_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _money(amount: Decimal) -> st.SearchStrategy[str]:
    whole = f"{amount:,.2f}".removesuffix(".00")
    return st.sampled_from([f"£{whole}", whole.replace(",", ""), f" £ {whole} ", f"{amount}"])


def _fte(value: Decimal) -> st.SearchStrategy[str]:
    text = f"{value.normalize():f}"
    return st.sampled_from([text, f"{value:.2f}", text.translate(UNICODE_DIGITS), f"{text} FTE"])


def _start(day: date) -> st.SearchStrategy[str]:
    return st.sampled_from([f"{day:%d/%m/%Y}", f"{day:%Y-%m-%d}", f"{day:%-d %B %Y}"])


cells = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["Social Worker", "Team Manager", "IRO", "Business Support"]),
        "grade": st.sampled_from(["K", "k", "tbc", "", "Band E"]),
        "fte": st.decimals("0.01", "20", places=2).flatmap(_fte),
        "start": st.one_of(
            st.just(""), st.dates(date(2019, 1, 1), date(2023, 12, 31)).flatmap(_start)
        ),
        "duration": st.sampled_from(["2 years", "18 months", "Permanent", "24", "3", ""]),
        "salary": st.one_of(
            st.just(""),
            st.sampled_from([Decimal("40000"), Decimal("51900")]).flatmap(_money),
            st.decimals("10000", "90000", places=2).flatmap(_money),
        ),
        "workstream": st.sampled_from(["Front door", "front door", "Quality", ""]),
        "team": st.sampled_from(["North", "", "South Team"]),
    }
)


@st.composite
def blocks(draw) -> str:
    rows = draw(st.lists(cells, min_size=1, max_size=6))
    lines = ["\t".join(row.values()) for row in rows]
    if draw(st.booleans()):
        lines.insert(0, HEADER)
    if draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines))), "\t\t")  # a blank row
    ending = draw(st.sampled_from(["\r\n", "\n"]))
    return ending.join(lines) + ending


@pytest.fixture
def editing(client):
    plan = PlanFactory()
    scale = PayScaleFactory(organisation=plan.organisation)
    make_grade(scale, "K", ["40000", "41000", "51900"], year=2020)
    client.force_login(
        MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    )
    return plan


def _said_of(line: PlanLine) -> str:
    """The stored line, said as the preview says a line, field by field from the database."""
    parts = [line.title]
    grade = line.grade.code if line.grade else line.grade_as_written
    if grade:
        parts.append(f"grade {grade}")
    salary = line.annual_salary.amount if line.annual_salary is not None else None
    if line.point:
        parts.append(f"point {line.point.code}")
        salary = SpinalSalary.objects.get(
            point=line.point, financial_year=line.plan.first_year
        ).salary.amount
    if line.fte is not None:  # as the preview: a row read as a non-staff cost has none
        parts.append(f"{line.fte.normalize():f} FTE")
    parts.append(f"from {line.start_date:%-d %b %Y}")
    parts.append(f"{line.duration_months} months" if line.duration_months else "permanent")
    if salary is not None:
        figure = f"{salary:,.2f}".removesuffix(".00")
        parts.append(f"salary £{figure}")
    if line.workstream:
        parts.append(f"workstream {line.workstream.name}")
    if line.team:
        parts.append(f"based in {line.team.name}")
    return " · ".join(parts)


def _previewed(page: str) -> tuple[list[str], str]:
    said = re.findall(
        r'<tr id="row-\d+" class="outcome-imported">.*?<td class="becomes">(.*?)</td>', page, re.S
    )
    previewed = re.search(r'name="previewed" value="([^"]*)"', page)
    return [html.unescape(text) for text in said], previewed[1] if previewed else ""


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(block=blocks())
def test_it_adds_exactly_what_the_preview_shows(client, editing, block):
    address = reverse("posts:paste", args=[editing.slug])
    before = set(PlanLine.objects.filter(plan=editing).values_list("pk", flat=True))

    preview = client.post(address, {"cells": block, "action": "preview"})
    said, previewed = _previewed(preview.content.decode())
    added = client.post(address, {"cells": block, "action": "add", "previewed": previewed})

    new = PlanLine.objects.filter(plan=editing).exclude(pk__in=before).order_by("position")
    if preview.status_code == 422:
        assert added.status_code == 422 and not new.exists()
    else:
        assert added.status_code == 302
        assert [_said_of(line) for line in new] == said
