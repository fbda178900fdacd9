"""What a plan line costs, month by month and financial year by financial year.

Plain Python over Decimal. Nothing here knows about Django; `figures.costing` builds
these inputs from the models.

Exactness. Every day of every month is a whole number of *parts* of a year: a month has
MONTH_PARTS = lcm(28, 29, 30, 31) parts, a year YEAR_PARTS = 12 * MONTH_PARTS. The engine
multiplies annual rates by parts (exact, since inputs are finite decimals) and divides by
YEAR_PARTS once, when a figure is read. So twelve whole months of a salary are exactly the
salary, and two lines that meet mid-month add up to exactly one line across the month.
"""

from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, getcontext, localcontext
from enum import StrEnum
from functools import partial
from typing import NamedTuple

from .financial_year import FinancialYear
from .money import ONE, POUND, ZERO, format_money, round_money

MONTH_PARTS = 377_580  # lcm(28, 29, 30, 31)
YEAR_PARTS = 12 * MONTH_PARTS
_DAY_PARTS = {days: MONTH_PARTS // days for days in (28, 29, 30, 31)}
_PRECISION = 60  # enough for compounded awards times salaries times parts, exactly
_YEAR_PARTS = Decimal(YEAR_PARTS)
_MONTH_PARTS = Decimal(MONTH_PARTS)


class LineKind(StrEnum):
    NEW_POST = "new_post"
    UPLIFT = "uplift"
    RELEASED_BUDGET = "released_budget"
    NON_STAFF = "non_staff"


class CostingError(ValueError):
    """The facts given cannot be costed; the message says which fact is missing."""


class MissingSalary(CostingError):
    def __init__(self, grade: str, point: str, year: FinancialYear):
        self.grade, self.point, self.year = grade, point, year
        super().__init__(
            f"Grade {grade} has no salary for point {point} in {year} or any earlier year"
        )


class MissingNIRate(CostingError):
    def __init__(self, year: FinancialYear):
        self.year = year
        super().__init__(f"There is no employer NI rate and threshold for {year} or earlier")


# ---------------------------------------------------------------------------------------
# Assumptions


@dataclass(frozen=True, slots=True)
class FlatOnCost:
    """On-costs as one percentage of pay (seed 000 uses 29%)."""

    rate: Decimal


@dataclass(frozen=True, slots=True)
class EmployerNI:
    rate: Decimal
    annual_threshold: Decimal  # the secondary threshold, per employee per year


@dataclass(frozen=True, slots=True)
class ComputedOnCost:
    """Employer NI per month above the monthly threshold, plus pension, plus the levy."""

    ni: Mapping[FinancialYear, EmployerNI]
    pension_rate: Decimal
    levy_rate: Decimal = Decimal("0.005")

    def ni_for(self, year: FinancialYear) -> EmployerNI:
        # Rates carry forward from the latest year set, as a budget would assume.
        known = [known_year for known_year in self.ni if known_year <= year]
        if not known:
            raise MissingNIRate(year)
        return self.ni[max(known)]


@dataclass(frozen=True, slots=True)
class PayAward:
    rate: Decimal  # 0.02 for 2%
    agreed: bool = False


@dataclass(frozen=True, slots=True)
class Assumptions:
    first_year: FinancialYear
    last_year: FinancialYear
    on_cost: FlatOnCost | ComputedOnCost
    pay_awards: Mapping[FinancialYear, PayAward] = field(default_factory=dict)
    increments: bool = False

    @property
    def years(self) -> list[FinancialYear]:
        return FinancialYear.span(self.first_year, self.last_year)


# ---------------------------------------------------------------------------------------
# Pay


@dataclass(frozen=True, slots=True)
class Grade:
    """A grade on a pay scale: spinal points `bottom`..`top` (ordinals), salaries by year.

    `salaries[ordinal][year]` is the spine value for that point in that financial year.
    """

    code: str
    bottom: int
    top: int
    salaries: Mapping[int, Mapping[FinancialYear, Decimal]]
    point_codes: Mapping[int, str] = field(default_factory=dict)

    def point_code(self, ordinal: int) -> str:
        return self.point_codes.get(ordinal, str(ordinal))


@dataclass(frozen=True, slots=True)
class GradePay:
    grade: Grade
    point: int  # the ordinal the post starts on


@dataclass(frozen=True, slots=True)
class StatedSalary:
    """An annual salary stated where the grade is "tbc", at the plan's first-year prices."""

    annual: Decimal


Pay = GradePay | StatedSalary


def stated_cost_words(stated: Decimal, stated_fte: Decimal | None, fte: Decimal) -> str:
    """A stated annual cost in words and, where the post's FTE is not the one it was
    stated for, how it is scaled: the cost for the FTE stated, times the FTE now over
    the FTE stated, and what that comes to."""
    if not is_scaled(stated_fte, fte):
        return format_money(stated)
    scaled = stated * fte / stated_fte
    return (
        f"{format_money(stated)} for {_fte_text(stated_fte)} FTE × "
        f"{_fte_text(fte)}/{_fte_text(stated_fte)} = {format_money(scaled)}"
    )


def is_scaled(stated_fte: Decimal | None, fte: Decimal) -> bool:
    """Whether a cost stated for `stated_fte` is scaled to the post's `fte`."""
    return stated_fte is not None and stated_fte != fte


def _fte_text(fte: Decimal) -> str:
    return f"{fte.normalize():f}"


# ---------------------------------------------------------------------------------------
# Lines


def people(fte: Decimal, headcount: int | None) -> int:
    """Whole people in a post: the headcount if given, else one per whole or part FTE
    (1.5 FTE is 2). NI thresholds and recruitment payments are per person."""
    return headcount or max(1, math.ceil(fte))


@dataclass(frozen=True, slots=True)
class StaffLine:
    """A new post, an uplift (regrading `from_pay` to `pay`) or released budget."""

    kind: LineKind
    fte: Decimal
    start: date
    end: date | None  # inclusive; None is permanent
    pay: Pay | None = None
    from_pay: Pay | None = None
    headcount: int = 1
    stated_annual_cost: Decimal | None = None  # a full year, at first-year prices
    # The FTE the stated annual cost is for; another FTE scales it pro rata. None: the
    # line's own FTE.
    stated_fte: Decimal | None = None


@dataclass(frozen=True, slots=True)
class NonStaffLine:
    """A non-staff cost: recurring at `amount` a year pro rata, or `amount` once on `start`."""

    amount: Decimal
    start: date
    end: date | None = None
    one_off: bool = False
    kind: LineKind = LineKind.NON_STAFF


Line = StaffLine | NonStaffLine


def outside_years(
    start: date,
    end: date | None,
    first: FinancialYear,
    last: FinancialYear,
    *,
    one_off: bool = False,
) -> bool:
    """Whether a line from `start` to `end` (its last day; None for permanent; a one-off
    cost falls on its start) lies wholly outside the financial years `first` to `last`.
    Such a line costs nothing in the plan, its full-year effect included. The one rule:
    the engine, the pages that flag such lines and a plan whose years change all ask it."""
    if one_off:
        end = start
    return start > last.end or (end is not None and end < first.start)


def line_outside_years(line: Line, first: FinancialYear, last: FinancialYear) -> bool:
    """`outside_years` for an engine line."""
    one_off = isinstance(line, NonStaffLine) and line.one_off
    return outside_years(line.start, line.end, first, last, one_off=one_off)


# ---------------------------------------------------------------------------------------
# Results


class Piece(NamedTuple):
    """A stretch of one financial year at one rate: the unit of working.

    Either `months` whole months, or part of one month (`days` of `days_in_month`).
    Money fields are pounds, signed as they count towards the line.
    """

    start: date
    end: date
    year: FinancialYear
    months: int
    days: int
    days_in_month: int
    basis: str
    annual_rate: Decimal
    fte: Decimal | None
    pay: Decimal
    on_costs: tuple[tuple[str, Decimal], ...]
    amount: Decimal

    def describe(self) -> str:
        """The working in words: salary x FTE x months, on-costs, award."""
        if self.months:
            span = f"{self.months} month{'s' if self.months != 1 else ''} / 12"
        elif self.days_in_month:
            span = f"{self.days}/{self.days_in_month} of a month / 12"
        else:
            span = "once"
        fte = f" × {self.fte.normalize():f} FTE" if self.fte is not None else ""
        text = (
            f"{self.basis}: {format_money(self.annual_rate)}{fte} × {span} = "
            f"{format_money(self.pay)}"
        )
        for name, amount in self.on_costs:
            text += f"; {name} {format_money(amount)}"
        return text + f"; total {format_money(self.amount)}"


# A piece before division: the same fields, money held as numerators over YEAR_PARTS.
_Raw = namedtuple("_Raw", Piece._fields)


def _unpaid_raw(year: FinancialYear, basis: str, annual: Decimal, sign: int, chunk) -> _Raw:
    """A piece with no FTE and no on-costs (a stated or a non-staff cost) over `chunk`, as
    `_chunks` yields it: the annual rate for its parts of a year."""
    start, end, months, days, days_in_month, parts = chunk
    amount = annual * parts * sign
    return _Raw(
        start, end, year, months, days, days_in_month, basis, annual, None, amount, (), amount
    )


class Working(NamedTuple):
    """The pieces behind a line's figures, as numerators over YEAR_PARTS."""

    pieces: list[_Raw]
    full_year: list[_Raw]
    computed_full_year: Sequence[_Raw] = ()


@dataclass(slots=True)
class LineCost:
    """The cost of one line within a window of financial years.

    The figures are added up directly; the working behind them (which a page of 2,000
    lines never reads) is built the first time someone asks for it."""

    years: dict[FinancialYear, Decimal]
    full_year_effect: Decimal
    start_year: FinancialYear
    # The annual salary of one FTE in force when the full-year effect starts; None where
    # the line has no pay or its grade arithmetic cannot be done.
    full_year_salary: Decimal | None = None
    stated_annual_cost: Decimal | None = None
    computed_full_year_effect: Decimal | None = None
    computed_note: str = ""
    build_working: Callable[[], Working] | None = field(default=None, repr=False)
    _working: Working | None = field(default=None, repr=False)

    @property
    def part_year_effect(self) -> Decimal | None:
        """The cost in the financial year the line starts, when that year is costed."""
        return self.years.get(self.start_year)

    @property
    def total(self) -> Decimal:
        return sum(self.years.values(), ZERO)

    @property
    def years_in_pence(self) -> dict[FinancialYear, Decimal]:
        """Each year's cost rounded to pence, as the working page prints it."""
        return {year: round_money(amount) for year, amount in self.years.items()}

    @property
    def total_in_pence(self) -> Decimal:
        """The sum of the years as printed in pence, so the printed years cast."""
        return sum(self.years_in_pence.values(), ZERO)

    @property
    def printed_years(self) -> list[tuple[FinancialYear, Decimal, Decimal]]:
        """Each year with its cost in pence, as the working page prints it, and in whole
        pounds, as the workspace and the tables print it."""
        return [
            (year, round_money(amount), round_money(amount, POUND))
            for year, amount in self.years.items()
        ]

    @property
    def total_in_pounds(self) -> Decimal:
        """The sum of the years in whole pounds: the line's total in the tables."""
        return sum((pounds for _, _, pounds in self.printed_years), ZERO)

    @property
    def stated_difference(self) -> Decimal | None:
        """Stated annual cost less the grade arithmetic, where both exist."""
        if self.stated_annual_cost is None or self.computed_full_year_effect is None:
            return None
        return self.full_year_effect - self.computed_full_year_effect

    @property
    def working(self) -> Working:
        if self._working is None:
            if self.build_working is None:
                self._working = Working([], [])
            else:
                with localcontext(prec=_PRECISION):
                    self._working = self.build_working()
        return self._working

    @property
    def raw_pieces(self) -> list[_Raw]:
        return self.working.pieces

    @property
    def pieces(self) -> list[Piece]:
        return [_finish(raw) for raw in self.raw_pieces]

    @property
    def full_year_working(self) -> list[Piece]:
        return [_finish(raw) for raw in self.working.full_year]

    @property
    def computed_full_year_working(self) -> list[Piece]:
        """The grade arithmetic behind a stated annual cost, to show the difference."""
        return [_finish(raw) for raw in self.working.computed_full_year]


def _finish(raw: _Raw) -> Piece:
    with localcontext(prec=_PRECISION):
        return Piece(
            raw.start,
            raw.end,
            raw.year,
            raw.months,
            raw.days,
            raw.days_in_month,
            raw.basis,
            raw.annual_rate,
            raw.fte,
            raw.pay / _YEAR_PARTS,
            tuple((name, amount / _YEAR_PARTS) for name, amount in raw.on_costs),
            raw.amount / _YEAR_PARTS,
        )


# ---------------------------------------------------------------------------------------
# The engine


class CostEngine:
    """Costs lines under one plan's assumptions; remembers salaries and awards it looked up."""

    def __init__(self, assumptions: Assumptions):
        self.assumptions = assumptions
        self.window_start = assumptions.first_year.start
        self.window_end = assumptions.last_year.end
        self.years = assumptions.years
        self._award_factors: dict[tuple[int, int], tuple[Decimal, str]] = {}
        self._salaries: dict[tuple[int, int, int], tuple[Decimal, str]] = {}
        self._on_cost_rates: dict[int, tuple] = {}
        self._year_starts = [year.start for year in self.years]
        on_cost = assumptions.on_cost
        # Pay times this is pay plus on-costs, when on-costs are one flat rate.
        self._flat_factor = ONE + on_cost.rate if isinstance(on_cost, FlatOnCost) else None

    # -- public -----------------------------------------------------------------------

    def cost(self, line: Line) -> LineCost:
        if getcontext().prec < _PRECISION:
            with localcontext(prec=_PRECISION):
                return self.cost(line)
        if line_outside_years(line, self.assumptions.first_year, self.assumptions.last_year):
            return self._cost_outside(line)
        if isinstance(line, NonStaffLine):
            return self._cost_non_staff(line)
        return self._cost_staff(line)

    def _cost_outside(self, line: Line) -> LineCost:
        """A line wholly outside the plan's years: nothing in any year, and no full-year
        effect to add to the plan's."""
        return LineCost(
            years=dict.fromkeys(self.years, ZERO),
            full_year_effect=ZERO,
            start_year=FinancialYear.containing(line.start),
        )

    def salary(self, pay: Pay, point: int | None, year: FinancialYear) -> tuple[Decimal, str]:
        """The annual salary in force for `pay` at `point` in `year`, and how it was found."""
        if isinstance(pay, StatedSalary):
            factor, note = self._award_factor(self.assumptions.first_year, year)
            with localcontext(prec=_PRECISION):
                basis = (
                    f"stated salary {format_money(pay.annual)} at {self.assumptions.first_year} pay"
                )
                return pay.annual * factor, basis + note
        key = (id(pay.grade), point, year.start_year)
        found = self._salaries.get(key)
        if found is None:
            found = self._salaries[key] = self._spine_salary(pay.grade, point, year)
        return found

    def annual_salary(self, pay: Pay, point: int | None, year: FinancialYear) -> Decimal:
        """The figure of `salary` alone: the totals need no words, and a stated salary's
        words would otherwise be written out for every month of every line."""
        if isinstance(pay, StatedSalary):
            with localcontext(prec=_PRECISION):
                return pay.annual * self._award_factor(self.assumptions.first_year, year)[0]
        return self.salary(pay, point, year)[0]

    # -- staff ------------------------------------------------------------------------

    def _cost_staff(self, line: StaffLine) -> LineCost:
        sign = -1 if line.kind == LineKind.RELEASED_BUDGET else 1
        start_year = FinancialYear.containing(line.start)
        fye_year = FinancialYear.containing(max(line.start, self.window_start))

        computed: tuple[dict, Decimal, Decimal] | None = None
        computed_note = ""
        try:
            computed = self._staff_totals(line, sign, fye_year, by_year=_years_computed(line))
        except CostingError as error:
            if line.stated_annual_cost is None:
                raise
            computed_note = str(error)

        if line.stated_annual_cost is not None:
            years, full_year = self._stated_totals(line, sign, fye_year)
        else:
            years, full_year, _ = computed
        result = LineCost(
            years=self._years_from(years),
            full_year_effect=full_year / _YEAR_PARTS,
            start_year=start_year,
            full_year_salary=computed[2] if computed is not None else None,
            computed_note=computed_note,
            build_working=partial(self._staff_working, line, sign, fye_year),
        )
        if line.stated_annual_cost is not None:
            result.stated_annual_cost = self._stated_at_fte(line) * sign
            if computed is not None:
                result.computed_full_year_effect = computed[1] / _YEAR_PARTS
        return result

    def _staff_working(self, line: StaffLine, sign: int, fye_year: FinancialYear) -> Working:
        computed: tuple[list[_Raw], list[_Raw]] | None = None
        try:
            computed = self._staff_pieces(line, sign, fye_year)
        except CostingError:
            if line.stated_annual_cost is None:
                raise
        if line.stated_annual_cost is None:
            return Working(*computed)
        pieces, full_year = self._stated_pieces(line, sign, fye_year)
        return Working(pieces, full_year, computed[1] if computed is not None else ())

    # -- staff: the figures, added up without the working ------------------------------

    def _staff_totals(
        self, line: StaffLine, sign: int, fye_year: FinancialYear, *, by_year: bool = True
    ) -> tuple[dict[FinancialYear, Decimal], Decimal, Decimal]:
        """Each year's cost and the full-year effect (numerators over YEAR_PARTS), and the
        full-year salary: the same figures `_staff_pieces` works out, added up directly.
        Without `by_year`, the years are left at nothing (see `_years_computed`)."""
        if line.pay is None:
            raise CostingError("A post needs a grade and point, or a stated salary")
        totals = dict.fromkeys(self.years, ZERO)
        if by_year:
            self._add_pay_totals(totals, line, line.pay, sign)
        full_year, salary = self._full_year_total(line, line.pay, sign, fye_year)
        if line.kind == LineKind.UPLIFT:
            if line.from_pay is None:
                raise CostingError("An uplift needs the grade it moves from")
            self._add_pay_totals(totals, line, line.from_pay, -sign)
            full_year += self._full_year_total(line, line.from_pay, -sign, fye_year)[0]
        return totals, full_year, salary

    def _add_pay_totals(
        self, totals: dict[FinancialYear, Decimal], line: StaffLine, pay: Pay, sign: int
    ) -> None:
        periods = self._periods(line, pay)
        fte = line.fte
        flat = self._flat_factor
        if flat is not None:
            for start, end, year, point in periods:
                rate = self.annual_salary(pay, point, year) * fte
                amount = rate * _parts_between(start, end) * flat
                totals[year] += amount if sign > 0 else -amount
            return
        # Employer NI is worked out month by month. A part month's pay is gathered first:
        # an increment mid-month puts two rates in one month, under one monthly threshold.
        part_months: dict[tuple[int, int], tuple[Decimal, FinancialYear]] = {}
        for start, end, year, point in periods:
            rate = self.annual_salary(pay, point, year) * fte
            for chunk_start, _, months, _, _, parts in _chunks(start, end):
                paid = rate * parts
                if months:
                    amount = paid + self._on_cost_total(paid, months, line.headcount, year)
                    totals[year] += amount if sign > 0 else -amount
                else:
                    month = (chunk_start.year, chunk_start.month)
                    earlier = part_months.get(month)
                    part_months[month] = (paid + earlier[0] if earlier else paid, year)
        for paid, year in part_months.values():
            amount = paid + self._on_cost_total(paid, 0, line.headcount, year)
            totals[year] += amount if sign > 0 else -amount

    def _full_year_total(
        self, line: StaffLine, pay: Pay, sign: int, year: FinancialYear
    ) -> tuple[Decimal, Decimal]:
        first_day = max(line.start, year.start)
        point = self._point_at(pay, self._increment_dates(line, pay, first_day), first_day)
        annual = self.annual_salary(pay, point, year)
        paid = annual * line.fte * _YEAR_PARTS
        amount = paid + self._on_cost_total(paid, 12, line.headcount, year)
        return (amount if sign > 0 else -amount), annual

    def _on_cost_total(self, pay: Decimal, months: int, headcount: int, year: FinancialYear):
        rates = self._rates(year)
        if len(rates) == 1:
            return pay * rates[0][1]
        (_, ni_rate, threshold), (_, pension), (_, levy) = rates
        return _employer_ni(pay, months, headcount, ni_rate, threshold) + pay * (pension + levy)

    def _stated_totals(
        self, line: StaffLine, sign: int, fye_year: FinancialYear
    ) -> tuple[dict[FinancialYear, Decimal], Decimal]:
        rate_for = partial(self._stated_amount, line)
        totals = self._flat_rate_totals(line.start, line.end, rate_for, sign)
        return totals, rate_for(fye_year) * _YEAR_PARTS * sign

    def _stated_amount(self, line: StaffLine, year: FinancialYear) -> Decimal:
        """A stated annual cost at first-year prices, scaled to the post's FTE, with the
        awards since."""
        return self._stated_at_fte(line) * self._award_factor(self.assumptions.first_year, year)[0]

    def _stated_rate(self, line: StaffLine, year: FinancialYear) -> tuple[Decimal, str]:
        """`_stated_amount` and its words."""
        first_year = self.assumptions.first_year
        note = self._award_factor(first_year, year)[1]
        words = stated_cost_words(line.stated_annual_cost, line.stated_fte, line.fte)
        return (
            self._stated_amount(line, year),
            f"stated annual cost {words} at {first_year} pay{note}",
        )

    @staticmethod
    def _stated_at_fte(line: StaffLine) -> Decimal:
        """The stated annual cost at the post's FTE: pro rata to the FTE it was stated for."""
        if not is_scaled(line.stated_fte, line.fte):
            return line.stated_annual_cost
        return line.stated_annual_cost * line.fte / line.stated_fte

    # -- staff: the working -------------------------------------------------------------

    def _staff_pieces(
        self, line: StaffLine, sign: int, fye_year: FinancialYear
    ) -> tuple[list[_Raw], list[_Raw]]:
        if line.pay is None:
            raise CostingError("A post needs a grade and point, or a stated salary")
        pieces = self._pay_pieces(line, line.pay, sign)
        fye = self._full_year_pieces(line, line.pay, sign, fye_year)
        if line.kind == LineKind.UPLIFT:
            if line.from_pay is None:
                raise CostingError("An uplift needs the grade it moves from")
            pieces += self._pay_pieces(line, line.from_pay, -sign, prefix="less ")
            fye += self._full_year_pieces(line, line.from_pay, -sign, fye_year, prefix="less ")
            pieces.sort(key=lambda raw: (raw.start, raw.basis.startswith("less ")))
        return pieces, fye

    def _periods(self, line: StaffLine, pay: Pay) -> list[tuple[date, date, FinancialYear, int]]:
        """The line's days in the plan's years, split where the financial year or the
        spinal point changes: (start, end, financial year, point)."""
        window = self._window(line.start, line.end)
        if window is None:
            return []
        start, end = window
        increment_dates = self._increment_dates(line, pay, end)
        boundaries = [day for day in self._year_starts if start < day <= end]
        if increment_dates:
            boundaries = sorted(
                {*boundaries, *(day for day in increment_dates if start < day <= end)}
            )
        periods = []
        period_start = start
        for boundary in [*boundaries, end + _ONE_DAY]:
            point = self._point_at(pay, increment_dates, period_start)
            year = FinancialYear.containing(period_start)
            periods.append((period_start, boundary - _ONE_DAY, year, point))
            period_start = boundary
        return periods

    def _pay_pieces(self, line: StaffLine, pay: Pay, sign: int, prefix: str = "") -> list[_Raw]:
        pieces: list[_Raw] = []
        for start, end, year, point in self._periods(line, pay):
            annual, basis = self.salary(pay, point, year)
            pieces.extend(self._chunk_pieces(start, end, year, prefix + basis, annual, line, sign))
        if self._flat_factor is None:
            pieces = self._merge_shared_months(pieces, line, sign)
        return pieces

    def _full_year_pieces(
        self, line: StaffLine, pay: Pay, sign: int, year: FinancialYear, prefix: str = ""
    ) -> list[_Raw]:
        # Twelve months at the rate in force on the first costed day: the full-year effect.
        first_day = max(line.start, year.start)
        point = self._point_at(pay, self._increment_dates(line, pay, first_day), first_day)
        annual, basis = self.salary(pay, point, year)
        return self._chunk_pieces(year.start, year.end, year, prefix + basis, annual, line, sign)

    def _chunk_pieces(
        self,
        start: date,
        end: date,
        year: FinancialYear,
        basis: str,
        annual: Decimal,
        line: StaffLine,
        sign: int,
    ) -> list[_Raw]:
        pieces = []
        rate = annual * line.fte
        rates = self._rates(year)
        flat = len(rates) == 1
        for chunk_start, chunk_end, months, days, days_in_month, parts in _chunks(start, end):
            pay = rate * parts
            if flat:
                on_cost = pay * rates[0][1]
                on_costs = [(rates[0][0], on_cost)]
                amount = pay + on_cost
            else:
                on_costs = self._on_costs(pay, months, line.headcount, year)
                amount = pay + on_costs[0][1] + on_costs[1][1] + on_costs[2][1]
            if sign < 0:
                pay, amount = -pay, -amount
                on_costs = [(name, -value) for name, value in on_costs]
            pieces.append(
                _Raw(
                    chunk_start,
                    chunk_end,
                    year,
                    months,
                    days,
                    days_in_month,
                    basis,
                    annual,
                    line.fte,
                    pay,
                    tuple(on_costs),
                    amount,
                )
            )
        return pieces

    def _on_costs(
        self, pay: Decimal, months: int, headcount: int, year: FinancialYear
    ) -> list[tuple[str, Decimal]]:
        rates = self._rates(year)
        if len(rates) == 1:
            ((label, rate),) = rates
            return [(label, pay * rate)]
        (ni_label, ni_rate, threshold), (pension_label, pension), (levy_label, levy) = rates
        ni = _employer_ni(pay, months, headcount, ni_rate, threshold)
        return [(ni_label, ni), (pension_label, pay * pension), (levy_label, pay * levy)]

    def _rates(self, year: FinancialYear) -> tuple:
        rates = self._on_cost_rates.get(year.start_year)
        if rates is None:
            rates = self._on_cost_rates[year.start_year] = self._rates_for(year)
        return rates

    def _rates_for(self, year: FinancialYear) -> tuple:
        on_cost = self.assumptions.on_cost
        if isinstance(on_cost, FlatOnCost):
            return ((f"on-costs {on_cost.rate * 100:.2f}%", on_cost.rate),)
        ni = on_cost.ni_for(year)
        return (
            # The monthly threshold, in parts: annual / 12 pounds is annual * MONTH_PARTS.
            (f"employer NI {ni.rate * 100:.2f}%", ni.rate, ni.annual_threshold * _MONTH_PARTS),
            (f"pension {on_cost.pension_rate * 100:.2f}%", on_cost.pension_rate),
            (f"apprenticeship levy {on_cost.levy_rate * 100:.2f}%", on_cost.levy_rate),
        )

    def _merge_shared_months(self, pieces: list[_Raw], line: StaffLine, sign: int) -> list[_Raw]:
        # An increment mid-month puts two part-month pieces in one month; the NI
        # threshold applies once to that month's whole pay, shared between them by pay.
        by_month: dict[tuple[int, int], list[int]] = {}
        for index, raw in enumerate(pieces):
            if not raw.months and raw.days_in_month:
                by_month.setdefault((raw.start.year, raw.start.month), []).append(index)
        for indexes in by_month.values():
            if len(indexes) < 2:
                continue
            group = [pieces[index] for index in indexes]
            month_pay = sum((raw.pay for raw in group), ZERO) * sign
            year = group[0].year
            ni_name, month_ni = self._on_costs(month_pay, 1, line.headcount, year)[0]
            for index, raw in zip(indexes, group, strict=True):
                share = month_ni * sign * (raw.pay * sign) / month_pay if month_pay else ZERO
                rest = tuple(item for item in raw.on_costs if item[0] != ni_name)
                on_costs = ((ni_name, share), *rest)
                amount = raw.pay + sum((value for _, value in on_costs), ZERO)
                pieces[index] = raw._replace(on_costs=on_costs, amount=amount)
        return pieces

    def _stated_pieces(
        self, line: StaffLine, sign: int, fye_year: FinancialYear
    ) -> tuple[list[_Raw], list[_Raw]]:
        rate_for = partial(self._stated_rate, line)
        pieces = self._flat_rate_pieces(line.start, line.end, rate_for, sign)
        return pieces, [self._whole_year_piece(fye_year, *rate_for(fye_year), sign)]

    # -- non-staff --------------------------------------------------------------------

    def _cost_non_staff(self, line: NonStaffLine) -> LineCost:
        start_year = FinancialYear.containing(line.start)
        if line.one_off:
            totals = dict.fromkeys(self.years, ZERO)
            if self.window_start <= line.start <= self.window_end:
                totals[start_year] = line.amount * _YEAR_PARTS
        else:
            totals = self._flat_rate_totals(line.start, line.end, lambda _: line.amount, 1)
        return LineCost(
            years=self._years_from(totals),
            full_year_effect=line.amount,
            start_year=start_year,
            build_working=partial(self._non_staff_working, line),
        )

    def _non_staff_working(self, line: NonStaffLine) -> Working:
        start_year = FinancialYear.containing(line.start)
        if line.one_off:
            # Its full-year effect is the amount itself, whether or not it falls in the plan.
            on_the_day = (line.start, line.start, 0, 0, 0, YEAR_PARTS)
            once = _unpaid_raw(start_year, "one-off cost", line.amount, 1, on_the_day)
            in_plan = self.window_start <= line.start <= self.window_end
            return Working([once] if in_plan else [], [once])
        rate_for = partial(_recurring, line)
        pieces = self._flat_rate_pieces(line.start, line.end, rate_for, 1)
        fye_year = FinancialYear.containing(max(line.start, self.window_start))
        return Working(pieces, [self._whole_year_piece(fye_year, *rate_for(fye_year), 1)])

    # -- flat-rate pieces: stated costs and recurring non-staff costs -----------------

    def _window(self, start: date, end: date | None) -> tuple[date, date] | None:
        """start..end clipped to the plan's years, or None if nothing falls inside."""
        start = max(start, self.window_start)
        end = self.window_end if end is None else min(end, self.window_end)
        return (start, end) if start <= end else None

    def _years_within(self, start: date, end: date | None):
        """Each financial year of the plan that start..end reaches, with the first and last
        days of it that fall in that year."""
        window = self._window(start, end)
        if window is None:
            return
        for year in self.years:
            period_start, period_end = max(window[0], year.start), min(window[1], year.end)
            if period_start <= period_end:
                yield year, period_start, period_end

    def _flat_rate_totals(
        self, start: date, end: date | None, rate_for, sign: int
    ) -> dict[FinancialYear, Decimal]:
        """Each year's cost (numerators) at the annual rate `rate_for(year)` gives (the
        figure alone: `_flat_rate_pieces` takes its words too), no on-costs."""
        totals = dict.fromkeys(self.years, ZERO)
        for year, period_start, period_end in self._years_within(start, end):
            totals[year] = rate_for(year) * _parts_between(period_start, period_end) * sign
        return totals

    def _flat_rate_pieces(self, start: date, end: date | None, rate_for, sign: int) -> list[_Raw]:
        """Pieces at an annual rate with no on-costs; `rate_for(year)` gives the rate and
        its words for each financial year."""
        pieces = []
        for year, period_start, period_end in self._years_within(start, end):
            annual, basis = rate_for(year)
            chunks = _chunks(period_start, period_end)
            pieces.extend(_unpaid_raw(year, basis, annual, sign, chunk) for chunk in chunks)
        return pieces

    @staticmethod
    def _whole_year_piece(year: FinancialYear, annual: Decimal, basis: str, sign: int) -> _Raw:
        whole_year = (year.start, year.end, 12, 0, 0, YEAR_PARTS)
        return _unpaid_raw(year, basis, annual, sign, whole_year)

    # -- helpers ----------------------------------------------------------------------

    @staticmethod
    def _years_from(totals: dict[FinancialYear, Decimal]) -> dict[FinancialYear, Decimal]:
        return {year: amount / _YEAR_PARTS if amount else ZERO for year, amount in totals.items()}

    def _award_factor(self, base: FinancialYear, year: FinancialYear) -> tuple[Decimal, str]:
        """The compounded pay awards from 1 April after `base` up to `year`, and their words."""
        key = (base.start_year, year.start_year)
        found = self._award_factors.get(key)
        if found is not None:
            return found
        factor = ONE
        words = []
        with localcontext(prec=_PRECISION):
            for start_year in range(base.start_year + 1, year.start_year + 1):
                award_year = FinancialYear(start_year)
                award = self.assumptions.pay_awards.get(award_year)
                rate = award.rate if award else ZERO
                factor *= ONE + rate
                status = "agreed" if award and award.agreed else "assumed"
                words.append(f"{award_year} award {rate * 100:.2f}% {status}")
        note = f" × {factor.normalize():f} ({'; '.join(words)})" if words else ""
        self._award_factors[key] = (factor, note)
        return factor, note

    def _spine_salary(self, grade: Grade, point: int, year: FinancialYear) -> tuple[Decimal, str]:
        by_year = grade.salaries.get(point, {})
        known = [spine_year for spine_year in by_year if spine_year <= year]
        if not known:
            raise MissingSalary(grade.code, grade.point_code(point), year)
        spine_year = max(known)
        factor, note = self._award_factor(spine_year, year)
        basis = (
            f"grade {grade.code} point {grade.point_code(point)}, "
            f"{spine_year} spine {format_money(by_year[spine_year])}{note}"
        )
        with localcontext(prec=_PRECISION):
            return by_year[spine_year] * factor, basis

    def _increment_dates(self, line: StaffLine, pay: Pay, until: date) -> list[date]:
        """The dates a post moves up a point: each 1 April, the first after six months'
        service for a starter between 2 October and 31 March."""
        if not self.assumptions.increments or not isinstance(pay, GradePay):
            return []
        steps = pay.grade.top - pay.point
        if steps <= 0:
            return []
        start = line.start
        starts_late = (start.month, start.day) >= (10, 2) or start.month < 4
        first = add_months(start, 6) if starts_late else date(start.year + 1, 4, 1)
        dates = [first]
        while len(dates) < steps:
            previous = dates[-1]
            following = date(previous.year + (1 if previous.month >= 4 else 0), 4, 1)
            if following > until:
                break
            dates.append(following)
        return [day for day in dates if day <= until]

    @staticmethod
    def _point_at(pay: Pay, increment_dates: list[date], day: date) -> int | None:
        if not isinstance(pay, GradePay):
            return None
        if not increment_dates:
            return pay.point
        steps = sum(1 for increment in increment_dates if increment <= day)
        return min(pay.point + steps, max(pay.grade.top, pay.point))


def _years_computed(line: StaffLine) -> bool:
    """Whether a post's cost year by year is worked out from its pay. A stated annual cost
    gives the years; pay then gives only the full-year effect and salary set beside it. A
    stated salary cannot fail in one year and not in another (no spine is read, and on-cost
    rates carry forward from the full-year effect's year), so its years are not worked out
    for nothing; a grade's point, whose salary a year may lack, is, so that a line that
    cannot be costed from its pay says so as before."""
    return (
        line.stated_annual_cost is None
        or line.kind == LineKind.UPLIFT
        or not isinstance(line.pay, StatedSalary)
    )


def _recurring(line: NonStaffLine, year: FinancialYear) -> tuple[Decimal, str]:
    """A recurring non-staff cost's annual rate in any year, and its words."""
    return line.amount, "recurring cost"


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def _chunks(start: date, end: date):
    """Split start..end (inclusive) into a part month at each end and a run of whole
    months between: (start, end, months, days, days_in_month, parts)."""
    day = start
    if day.day != 1 or (day.year, day.month) == (end.year, end.month):
        days_in_month = _days_in_month(day.year, day.month)
        chunk_end = min(date(day.year, day.month, days_in_month), end)
        if chunk_end.day != days_in_month or day.day != 1:
            days = chunk_end.day - day.day + 1
            yield day, chunk_end, 0, days, days_in_month, days * _DAY_PARTS[days_in_month]
            if chunk_end == end:
                return
            day = chunk_end + _ONE_DAY
    # `day` is now the first of a month. Whole months run to the last full month before end.
    end_is_month_end = end.day == _days_in_month(end.year, end.month)
    months = (end.year - day.year) * 12 + end.month - day.month + (1 if end_is_month_end else 0)
    if months > 0:
        last = add_months(day, months) - _ONE_DAY
        yield day, last, months, 0, 0, months * MONTH_PARTS
        day = last + _ONE_DAY
    if day <= end:
        days_in_month = _days_in_month(end.year, end.month)
        days = end.day
        yield day, end, 0, days, days_in_month, days * _DAY_PARTS[days_in_month]


_ONE_DAY = timedelta(days=1)


def _parts_between(start: date, end: date) -> int:
    """The parts from start to end inclusive: what `_chunks` yields, added up."""
    start_days = _days_in_month(start.year, start.month)
    if (start.year, start.month) == (end.year, end.month):
        return (end.day - start.day + 1) * _DAY_PARTS[start_days]
    end_days = _days_in_month(end.year, end.month)
    whole_months = (end.year - start.year) * 12 + end.month - start.month - 1
    return (
        (start_days - start.day + 1) * _DAY_PARTS[start_days]
        + whole_months * MONTH_PARTS
        + end.day * _DAY_PARTS[end_days]
    )


def _employer_ni(
    pay: Decimal, months: int, headcount: int, rate: Decimal, monthly_threshold: Decimal
) -> Decimal:
    """Employer NI on `pay` over `months` whole months (0: part of one month). NI is
    charged per employee per month on pay above the monthly threshold; a part month
    still has the whole month's threshold, as in payroll."""
    month_count = months or 1
    above = pay / month_count - monthly_threshold * headcount
    return above * rate * month_count if above > 0 else ZERO


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _days_in_month(year, month)))
