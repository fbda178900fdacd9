"""Every output of the demo plan and of two generated plans of 2,000 lines, compared with
what the code printed on commit 2e71163 (tests/golden/README.md): committee tables, their
Excel cells and (demo only) PDF text, rollups, the rollup command, the workspace,
comparisons, what-ifs and variance. Identical to the penny, or a readable diff."""

import pytest

from tests.golden import capture
from tests.golden.plans import GENERATED

ALL_PLANS = ["demo", *GENERATED]
MOST_DIFFERENCES = 25


def differences(expected, actual, path="") -> list[str]:
    """Where two JSON values differ, each as `path: expected -> actual`."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            here = f"{path}/{key}"
            if key not in actual:
                found.append(f"{here}: missing now (was {_short(expected[key])})")
            elif key not in expected:
                found.append(f"{here}: new (is {_short(actual[key])})")
            else:
                found += differences(expected[key], actual[key], here)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        for index, (was, now) in enumerate(zip(expected, actual, strict=False)):
            found += differences(was, now, f"{path}[{index}]")
        if len(expected) != len(actual):
            found.append(f"{path}: {len(expected)} items before, {len(actual)} now")
        return found
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: {_short(expected)} -> {_short(actual)}"]
    return []


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def check(golden_plans, plan_name: str, section: str, client, golden_write: bool) -> None:
    now = capture.capture(golden_plans[plan_name], section, client)
    if golden_write:
        capture.write(plan_name, section, now)
        return
    before = capture.read(plan_name, section)
    found = differences(before, now)
    shown = "\n".join(found[:MOST_DIFFERENCES])
    more = (
        f"\n... and {len(found) - MOST_DIFFERENCES} more" if len(found) > MOST_DIFFERENCES else ""
    )
    assert not found, f"{plan_name} {section} differs from the golden file:\n{shown}{more}"


@pytest.mark.parametrize("plan_name", ALL_PLANS)
def test_it_prints_every_committee_table_as_before(
    db, golden_plans, plan_name, client, golden_write
):
    check(golden_plans, plan_name, "tables", client, golden_write)


@pytest.mark.parametrize("plan_name", ALL_PLANS)
def test_it_downloads_every_table_as_the_same_excel_cells(
    db, golden_plans, plan_name, client, golden_write
):
    check(golden_plans, plan_name, "xlsx", client, golden_write)


# The demo plan only: a PDF of 2,000 lines takes about 40 s to lay out.
@pytest.mark.parametrize("plan_name", ["demo"])
def test_it_prints_every_table_as_the_same_pdf_text(
    db, golden_plans, plan_name, client, golden_write
):
    check(golden_plans, plan_name, "pdf", client, golden_write)


@pytest.mark.parametrize("plan_name", ALL_PLANS)
def test_it_rolls_up_by_every_grouping_as_before(db, golden_plans, plan_name, client, golden_write):
    check(golden_plans, plan_name, "rollups", client, golden_write)


@pytest.mark.parametrize("plan_name", ALL_PLANS)
def test_it_prints_the_rollup_command_as_before(db, golden_plans, plan_name, client, golden_write):
    check(golden_plans, plan_name, "rollup_command", client, golden_write)


@pytest.mark.parametrize("plan_name", ALL_PLANS)
def test_it_shows_the_workspace_figures_as_before(
    db, golden_plans, plan_name, client, golden_write
):
    check(golden_plans, plan_name, "workspace", client, golden_write)


@pytest.mark.parametrize("plan_name", ALL_PLANS)
def test_it_compares_a_scenario_with_its_plan_as_before(
    db, golden_plans, plan_name, client, golden_write
):
    check(golden_plans, plan_name, "scenario", client, golden_write)


@pytest.mark.parametrize("plan_name", ALL_PLANS)
def test_it_compares_what_ifs_as_before(db, golden_plans, plan_name, client, golden_write):
    check(golden_plans, plan_name, "what_if", client, golden_write)


@pytest.mark.parametrize("plan_name", ALL_PLANS)
def test_it_reports_the_variance_against_an_approved_baseline_as_before(
    db, golden_plans, plan_name, client, golden_write
):
    check(golden_plans, plan_name, "variance", client, golden_write)
