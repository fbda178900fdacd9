"""Benchmark: the cost engine over 10,000 generated lines and five financial years.

Target (issue 2): under one second on these machines. Run: `make bench` or
`.venv/bin/python bench/cost_engine.py`. Prints the best and median of several runs.
"""

import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from figures.costs.engine import (
    Assumptions,
    ComputedOnCost,
    CostEngine,
    EmployerNI,
    FlatOnCost,
    Grade,
    GradePay,
    LineKind,
    NonStaffLine,
    PayAward,
    StaffLine,
    StatedSalary,
)
from figures.costs.financial_year import FinancialYear

LINES = 10_000
RUNS = 7
FIRST, LAST = FinancialYear(2025), FinancialYear(2029)


def make_grades() -> list[Grade]:
    grades = []
    for index in range(12):
        bottom = 5 + index * 3
        top = bottom + 4
        salaries = {
            point: {FinancialYear(2025): Decimal(22000 + point * 1150)}
            for point in range(bottom, top + 1)
        }
        grades.append(Grade(f"G{index + 4}", bottom, top, salaries))
    return grades


def make_lines(rng: random.Random) -> list:
    grades = make_grades()
    lines = []
    for _ in range(LINES):
        start = FIRST.start + timedelta(days=rng.randrange(0, 365 * 3))
        end = None if rng.random() < 0.4 else start + timedelta(days=rng.randrange(90, 900))
        roll = rng.random()
        if roll < 0.75:
            grade = rng.choice(grades)
            pay = GradePay(grade, rng.randint(grade.bottom, grade.top))
            kind = LineKind.RELEASED_BUDGET if roll < 0.05 else LineKind.NEW_POST
            fte = Decimal(rng.choice(["0.5", "0.6", "1", "1.5", "2", "4"]))
            lines.append(StaffLine(kind, fte, start, end, pay, headcount=max(1, int(fte))))
        elif roll < 0.85:
            low, high = rng.sample(grades, 2)
            lines.append(
                StaffLine(
                    LineKind.UPLIFT,
                    Decimal("1"),
                    start,
                    end,
                    GradePay(high, high.bottom),
                    from_pay=GradePay(low, low.bottom),
                )
            )
        elif roll < 0.9:
            pay = StatedSalary(Decimal(rng.randrange(30000, 140000)))
            lines.append(StaffLine(LineKind.NEW_POST, Decimal("1"), start, end, pay))
        else:
            lines.append(
                NonStaffLine(Decimal(rng.randrange(1000, 200000)), start, end, rng.random() < 0.3)
            )
    return lines


def assumptions(on_cost) -> Assumptions:
    awards = {FinancialYear(year): PayAward(Decimal("0.03")) for year in range(2026, 2030)}
    return Assumptions(FIRST, LAST, on_cost, awards, increments=True)


def time_runs(lines, on_cost, with_working: bool) -> list[float]:
    """Each run costs every line: its years and full-year effect, and with `with_working`
    the working behind them too (which the engine otherwise builds only when read)."""
    timings = []
    for _ in range(RUNS):
        engine = CostEngine(assumptions(on_cost))
        started = time.perf_counter()
        costs = [engine.cost(line) for line in lines]
        if with_working:
            for cost in costs:
                cost.working  # noqa: B018 -- reading it builds it
        timings.append(time.perf_counter() - started)
    return timings


def main():
    lines = make_lines(random.Random(20251))
    computed = ComputedOnCost(
        {FinancialYear(2025): EmployerNI(Decimal("0.15"), Decimal("5000"))}, Decimal("0.19")
    )
    for name, on_cost in [("flat 29%", FlatOnCost(Decimal("0.29"))), ("NI+pension+levy", computed)]:
        for with_working in (False, True):
            timings = time_runs(lines, on_cost, with_working)
            what = "figures and working" if with_working else "figures"
            print(
                f"{LINES} lines x 5 years, increments on, {name}, {what}: "
                f"best {min(timings):.3f}s, median {statistics.median(timings):.3f}s "
                f"over {RUNS} runs"
            )


if __name__ == "__main__":
    main()
