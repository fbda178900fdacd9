"""From models to the cost engine: read a plan's facts in a fixed number of queries and
turn them into engine inputs. The arithmetic itself is in `investplan.costs`."""

from __future__ import annotations

import copy
import hashlib
import logging
import operator
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, localcontext
from functools import partial
from pathlib import Path

from django.db import DatabaseError, connection, transaction

from investplan.costs import engine
from investplan.costs.engine import CostEngine, CostingError, LineCost
from investplan.costs.financial_year import FinancialYear
from investplan.costs.money import HUNDRED
from investplan.costs.true_cost import TrueCostAssumptions
from investplan.models import Assumptions, OnCostMethod, Plan

logger = logging.getLogger(__name__)


def engine_assumptions(plan: Plan, assumptions: Assumptions | None = None) -> engine.Assumptions:
    """The plan's assumptions as the engine reads them (percentages become fractions)."""
    if assumptions is None:
        assumptions = _assumptions_of(plan)
    awards = {
        FinancialYear(award.financial_year): engine.PayAward(award.percent / HUNDRED, award.agreed)
        for award in assumptions.pay_awards.all()
    }
    if assumptions.on_cost_method == OnCostMethod.COMPUTED:
        on_cost = engine.ComputedOnCost(
            ni={
                FinancialYear(rate.financial_year): engine.EmployerNI(
                    rate.percent / HUNDRED, rate.secondary_threshold.amount
                )
                for rate in assumptions.ni_rates.all()
            },
            pension_rate=assumptions.pension_percent / HUNDRED,
            levy_rate=assumptions.levy_percent / HUNDRED,
        )
    else:
        on_cost = engine.FlatOnCost(assumptions.flat_on_cost_percent / HUNDRED)
    return engine.Assumptions(
        first_year=FinancialYear(plan.first_year),
        last_year=FinancialYear(plan.last_year),
        on_cost=on_cost,
        pay_awards=awards,
        increments=assumptions.increments,
    )


def true_cost_assumptions(plan: Plan) -> TrueCostAssumptions:
    """The plan's true-cost assumptions as the engine reads them; none for a plan that
    has no assumptions yet."""
    assumptions = getattr(plan, "assumptions", None)
    if assumptions is None:
        return TrueCostAssumptions()
    return TrueCostAssumptions(
        agency_share_percent=assumptions.agency_share_percent,
        agency_premium=assumptions.agency_premium.amount,
        recruitment_payment=assumptions.recruitment_payment.amount,
        retention_payment=assumptions.retention_payment.amount,
        vacancy_factor_percent=assumptions.vacancy_factor_percent,
    )


def _assumptions_of(plan: Plan) -> Assumptions:
    try:
        return Assumptions.objects.prefetch_related("pay_awards", "ni_rates").get(plan=plan)
    except Assumptions.DoesNotExist:
        # A plan with no assumptions yet is costed on the defaults, never refused.
        return Assumptions(plan=plan)


class SpineCache:
    """Salaries of every point of the given pay scales, read in one query."""

    def __init__(self, pay_scale_ids):
        from posts.models import SpinalSalary

        self._salaries: dict[int, dict[int, dict[FinancialYear, Decimal]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        self._codes: dict[int, dict[int, str]] = defaultdict(dict)
        rows = SpinalSalary.objects.filter(point__pay_scale_id__in=set(pay_scale_ids)).values_list(
            "point__pay_scale_id", "point__ordinal", "point__code", "financial_year", "salary"
        )
        for scale_id, ordinal, code, year, salary in rows:
            self._salaries[scale_id][ordinal][FinancialYear(year)] = salary
            self._codes[scale_id][ordinal] = code
        self._grades: dict[int, engine.Grade] = {}

    def grade(self, grade) -> engine.Grade:
        found = self._grades.get(grade.pk)
        if found is None:
            scale_id = grade.pay_scale_id
            found = self._grades[grade.pk] = engine.Grade(
                code=grade.code,
                bottom=grade.bottom_point.ordinal,
                top=grade.top_point.ordinal,
                salaries=self._salaries.get(scale_id, {}),
                point_codes=self._codes.get(scale_id, {}),
            )
        return found


# The engine's line kinds by the value stored on a line (a dict lookup, not an Enum call:
# this runs for every line of every plan costed).
ENGINE_KINDS = {kind.value: kind for kind in engine.LineKind}


def _pay_of(spine: SpineCache, grade, point, salary) -> engine.Pay | None:
    if grade is not None:
        engine_grade = spine.grade(grade)
        return engine.GradePay(
            engine_grade, point.ordinal if point is not None else engine_grade.bottom
        )
    if salary is not None:
        return engine.StatedSalary(salary.amount)
    return None


def engine_line(line, spine: SpineCache) -> engine.Line:
    """A plan line as the engine reads it."""
    kind = ENGINE_KINDS.get(line.kind) or engine.LineKind(line.kind)
    if kind == engine.LineKind.NON_STAFF:
        amount = line.amount.amount if line.amount is not None else None
        if amount is None and line.stated_annual_cost is not None:
            amount = line.stated_annual_cost.amount
        return engine.NonStaffLine(
            amount=amount if amount is not None else Decimal("0"),
            start=line.start_date,
            end=line.effective_end_date,
            one_off=line.one_off,
        )
    fte = line.fte
    stated = line.stated_annual_cost
    return engine.StaffLine(
        kind=kind,
        fte=fte,
        start=line.start_date,
        end=line.effective_end_date,
        pay=_pay_of(spine, line.grade, line.point, line.annual_salary),
        from_pay=_pay_of(spine, line.from_grade, line.from_point, None),
        headcount=engine.people(fte, line.headcount),
        stated_annual_cost=stated.amount if stated is not None else None,
        stated_fte=line.stated_cost_fte if stated is not None else None,
    )


# Everything `engine_line` reads of a line (its effective end date comes from the end date
# or the duration). Two lines alike in these cost the same under the same assumptions and
# the same council reference data (grades, spine).
LINE_FACTS = (
    "kind",
    "fte",
    "start_date",
    "end_date",
    "duration_months",
    "grade_id",
    "point_id",
    "annual_salary",
    "from_grade_id",
    "from_point_id",
    "headcount",
    "stated_annual_cost",
    "stated_cost_fte",
    "amount",
    "one_off",
)


line_facts = operator.attrgetter(*LINE_FACTS)

# The costing code itself, by its source (the engine and this module, which turns lines
# into engine inputs): a cost stored by other code than this is never used.
COSTING_CODE = hashlib.sha256(
    b"".join(
        path.read_bytes()
        for path in sorted([*Path(engine.__file__).parent.glob("*.py"), Path(__file__)])
    )
).hexdigest()


def stored_context(reference: tuple, assumptions: engine.Assumptions) -> str:
    """What every cost in one group rests on besides the line's facts: the costing code,
    the council's reference data (by its revision) and the plan's assumptions; as a
    digest, so each line's key hashes a short text."""
    return _digest(f"{COSTING_CODE}|{reference!r}|{assumptions!r}|")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


@dataclass
class KnownLineCosts:
    """Line costs worked out under one set of assumptions and one state of the council's
    reference data, by the line's facts; and each cost as rounded for printing, by the
    cost's identity (the costs are kept here, so an identity is never reused)."""

    # `stored_context` of this group; empty where costs are not stored in the database
    # (a what-if, or a costing made outside the cache).
    context: str = ""
    costs: dict[tuple, tuple[LineCost | None, str]] = field(default_factory=dict)
    # The key a line's stored cost is kept under, by the line's facts.
    keys: dict[tuple, str] = field(default_factory=dict)
    rounded: dict[tuple[int, Decimal], tuple] = field(default_factory=dict)
    # Each cost as split between funding sources, by the cost's identity and the line's
    # allocations (the sources' names and end dates are council reference data).
    funding_parts: dict[tuple, list] = field(default_factory=dict)

    def key(self, facts: tuple) -> str:
        """The key of a stored cost for a line with these facts, in this group."""
        found = self.keys.get(facts)
        if found is None:
            found = self.keys[facts] = _digest(f"{self.context}{facts!r}")
        return found


class SharedLineCosts:
    """Line costs already worked out, by the line's facts, for the last few (council
    reference data, assumptions) pairs: a scenario copied from a plan, or a plan costed
    again after one line changed, finds most of its lines costed already. The council's
    revision moves with every change to its grades and spine, so an entry is never
    stale: it is simply no longer asked for."""

    def __init__(self, size: int = 4, most_lines: int = 50_000):
        self.size = size
        # A group only grows while its council and assumptions stand still (every edit to
        # a line adds its new facts), so past this many costs it starts afresh.
        self.most_lines = most_lines
        self._groups: list[tuple[tuple, engine.Assumptions, KnownLineCosts]] = []
        self._lock = threading.Lock()

    def under(self, reference: tuple, assumptions: engine.Assumptions) -> KnownLineCosts:
        """The costs known for this council revision and these assumptions, to add to."""
        with self._lock:
            for index, (known_reference, known_assumptions, known) in enumerate(self._groups):
                if known_reference == reference and known_assumptions == assumptions:
                    self._groups.pop(index)
                    if len(known.costs) > self.most_lines:
                        known = KnownLineCosts(known.context)
                    self._groups.append((reference, assumptions, known))  # most recent last
                    return known
            known = KnownLineCosts(stored_context(reference, assumptions))
            self._groups.append((reference, assumptions, known))
            del self._groups[: -self.size]
            return known

    def clear(self) -> None:
        with self._lock:
            self._groups.clear()


@dataclass(frozen=True, slots=True)
class CostedLine:
    line: object  # posts.models.PlanLine
    cost: LineCost | None
    error: str = ""


class PlanCosting:
    """A plan's lines, costed. Reads the plan in a fixed number of queries."""

    def __init__(
        self,
        plan: Plan,
        lines=None,
        assumptions: engine.Assumptions | None = None,
        known: KnownLineCosts | None = None,
    ):
        """`known`: line costs by line facts, worked out under the same assumptions and
        council reference data (from SharedLineCosts); lines found there are not costed
        again, and lines costed here are added to it."""
        from posts.models import PayScale, PlanLine

        self.plan = plan
        self.known = KnownLineCosts() if known is None else known
        self.assumptions = assumptions or engine_assumptions(plan)
        self.years = self.assumptions.years
        if lines is None:
            lines = PlanLine.objects.filter(plan=plan).for_costing()
        self.lines = list(lines)
        scale_ids = PayScale.objects.filter(organisation_id=plan.organisation_id).values_list(
            "id", flat=True
        )
        self.spine = SpineCache(scale_ids)
        self.engine = CostEngine(self.assumptions)
        # Costs the database does not hold yet, under their keys: (line id, key, cost).
        self.unstored: list[tuple[int, str, tuple[LineCost | None, str]]] = []
        self._years = {year.start_year: year for year in self.years}
        with localcontext(prec=60):  # the engine's precision, entered once for all lines
            self.costed = [self._cost(line) for line in self.lines]
        self._remembered: dict[tuple, object] = {}

    def remembered(self, key: tuple, work: Callable[[], object]) -> object:
        """What `work` makes of this costing, made once: a costing never changes (a change
        to the plan makes a new one), so neither does anything read from it alone. Only
        for results nobody alters, like a rollup."""
        if key not in self._remembered:
            self._remembered[key] = work()
        return self._remembered[key]

    def figures(self, quantum: Decimal) -> list:
        """Each line's figures rounded to `quantum`, worked out once per costing."""
        from reports.rollups import line_figures

        rounded = self.known.rounded
        return self.remembered(
            ("figures", quantum),
            lambda: [line_figures(costed, self.years, quantum, rounded) for costed in self.costed],
        )

    def cost_starting(self, line, start: date) -> dict[FinancialYear, Decimal] | None:
        """The line's cost by year as if it started on `start`, its end unchanged: the
        recruitment forecast for a post filled later than budgeted (nothing in any year if it
        would start after it ends). None if it cannot be costed."""
        staff = replace(engine_line(line, self.spine), start=start)
        with localcontext(prec=60):
            try:
                return self.engine.cost(staff).years
            except CostingError:
                return None

    def _cost(self, line) -> CostedLine:
        """The line costed: found in memory by its facts, else read from its stored cost if
        that was worked out under the same key, else worked out by the engine."""
        facts = line_facts(line)
        known = self.known
        key = known.key(facts) if known.context else None
        stored = getattr(line, "stored_cost", None)  # (key, cost), read by for_costing
        stored_here = key is not None and stored is not None and stored[0] == key
        found = known.costs.get(facts)
        if found is None:
            if stored_here:
                found = self._from_stored(line, stored[1])
            else:
                try:
                    found = (self.engine.cost(engine_line(line, self.spine)), "")
                except CostingError as error:
                    found = (None, str(error))
            known.costs[facts] = found
        if key is not None and not stored_here:
            self.unstored.append((line.pk, key, found))
        return CostedLine(line, *found)

    def _from_stored(self, line, text: str) -> tuple[LineCost | None, str]:
        # The working (which a table never reads) is worked out when someone asks for it.
        return from_stored_form(
            text, self._years, partial(_working_of, self.engine, self.spine, line)
        )

    @property
    def errors(self) -> list[CostedLine]:
        return [costed for costed in self.costed if costed.error]

    def with_lines(self, saved, removed_ids=()) -> PlanCosting:
        """This costing with the `saved` lines costed afresh (new ones added) and the
        `removed_ids` taken out; every other line keeps the figures it has."""
        fresh = copy.copy(self)
        fresh.unstored = []
        saved = {line.pk: line for line in saved}
        gone = set(removed_ids) | set(saved)
        with localcontext(prec=60):
            costed = [costed for costed in self.costed if costed.line.pk not in gone]
            costed.extend(fresh._cost(line) for line in saved.values())
        costed.sort(key=lambda costed: (costed.line.position, costed.line.pk))
        fresh.costed = costed
        fresh.lines = [costed.line for costed in costed]
        fresh._remembered = {}
        return fresh


def _working_of(cost_engine: CostEngine, spine: SpineCache, line) -> engine.Working:
    return cost_engine.cost(engine_line(line, spine)).working


def _decimal(text: str) -> Decimal | None:
    return None if text == "-" else Decimal(text)


def _text(amount: Decimal | None) -> str:
    return "-" if amount is None else str(amount)


def stored_form(found: tuple[LineCost | None, str]) -> str:
    """A line's cost (or why it cannot be costed) as kept in the database, every figure
    as its exact decimal string, so the cost read back is the cost worked out: the year
    the line starts, full-year effect, full-year salary, stated annual cost and its
    grade arithmetic ("-" for none), the first financial year and each year's cost in
    turn; then the note on the grade arithmetic on a line of its own. "!" and the reason
    where the line cannot be costed. (Plain text rather than JSON: read by the thousand,
    it parses several times faster.)"""
    cost, error = found
    if cost is None:
        return f"!{error}"
    # The engine costs every year of the plan, in turn (and the key includes the plan's
    # years), so the first year and the amounts in order say which year each is.
    years = sorted(cost.years)
    figures = [
        str(cost.start_year.start_year),
        str(cost.full_year_effect),
        _text(cost.full_year_salary),
        _text(cost.stated_annual_cost),
        _text(cost.computed_full_year_effect),
        str(years[0].start_year if years else cost.start_year.start_year),
        *(str(cost.years[year]) for year in years),
    ]
    return " ".join(figures) + "\n" + cost.computed_note


def from_stored_form(
    text: str, years: dict[int, FinancialYear], build_working: Callable[[], engine.Working]
) -> tuple[LineCost | None, str]:
    """A line's cost (or why it cannot be costed) as `stored_form` kept it; `years` are
    the plan's financial years by the calendar year each starts in."""
    if text.startswith("!"):
        return None, text[1:]
    figures, _, note = text.partition("\n")
    start_year, full_year, salary, stated, computed, first_year, *amounts = figures.split()
    cost = LineCost(
        years={
            years[year]: Decimal(amount)
            for year, amount in enumerate(amounts, start=int(first_year))
        },
        full_year_effect=Decimal(full_year),
        start_year=FinancialYear(int(start_year)),
        full_year_salary=_decimal(salary),
        stated_annual_cost=_decimal(stated),
        computed_full_year_effect=_decimal(computed),
        computed_note=note,
        build_working=build_working,
    )
    return cost, ""


def store_line_costs(*, costing: PlanCosting) -> int:
    """Keep in the database the costs of the costing's lines that it does not hold yet
    (or holds under another key), so another process reads them instead of costing the
    lines again; how many were stored. Only a cache: if the database refuses (SQLite
    busy, say), nothing is lost and the lines are costed again next time."""
    from posts.models import StoredLineCost

    rows = [
        (line_id, key, stored_form(found))
        for line_id, key, found in sorted(costing.unstored, key=operator.itemgetter(0))
    ]
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table, key_column = quote(StoredLineCost._meta.db_table), quote("key")
    # An upsert, as another process may have stored the same line meanwhile. Not
    # bulk_create: for 2,000 rows it took 75-130 ms, and executemany 230-290 ms on
    # PostgreSQL. There the rows go as three arrays in one statement (65-80 ms); SQLite
    # takes them many to a statement (about 25 ms).
    insert = f"INSERT INTO {table} (line_id, {key_column}, cost)"
    upsert = (
        f"ON CONFLICT (line_id) DO UPDATE"
        f" SET {key_column} = EXCLUDED.{key_column}, cost = EXCLUDED.cost"
    )
    if connection.vendor == "postgresql":
        statements = [
            (
                f"{insert} SELECT * FROM unnest(%s::integer[], %s::varchar[], %s::text[]) {upsert}",
                [list(column) for column in zip(*rows, strict=True)],
            )
        ]
    else:
        batch = connection.ops.bulk_batch_size(["line_id", "key", "cost"], rows)
        statements = [
            (
                f"{insert} VALUES {', '.join(['(%s, %s, %s)'] * len(chunk))} {upsert}",
                [value for row in chunk for value in row],
            )
            for chunk in (rows[start : start + batch] for start in range(0, len(rows), batch))
        ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
    except DatabaseError as error:
        logger.warning("Line costs of plan %s not stored: %s", costing.plan.pk, error)
        return 0
    costing.unstored = []
    return len(rows)


def cost_line(line) -> LineCost:
    """One line costed under its plan's assumptions; CostingError says why it cannot be."""
    plan = line.plan
    spine = SpineCache(plan.organisation.pay_scales.values_list("id", flat=True))
    return CostEngine(engine_assumptions(plan)).cost(engine_line(line, spine))


def line_cost_error(line) -> str:
    """Why this line cannot be costed under its plan's assumptions, or "" if it can."""
    try:
        cost_line(line)
    except CostingError as error:
        return str(error)
    return ""


class CostingCache:
    """The last few plans costed in this process, keyed by the plan's and its council's
    revisions (read fresh from the database each time) and the filters. Every change to a
    plan or its reference data moves a revision, so an entry is never stale: it is simply
    no longer asked for."""

    def __init__(self, size: int = 8):
        self.size = size
        self._entries: dict[tuple, PlanCosting] = {}
        self._lock = threading.Lock()
        self.line_costs = SharedLineCosts()

    @staticmethod
    def revisions(plan_id: int) -> tuple | None:
        return (
            Plan.objects.filter(pk=plan_id)
            .values_list("slug", "revision", "organisation_id", "organisation__revision")
            .first()
        )

    def peek(self, key: tuple) -> PlanCosting | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: tuple, costing: PlanCosting) -> None:
        with self._lock:
            self._entries[key] = costing
            while len(self._entries) > self.size:
                self._entries.pop(next(iter(self._entries)))

    def get(self, plan: Plan, filters: tuple, lines_queryset) -> PlanCosting:
        key = (plan.pk, self.revisions(plan.pk), filters)
        with self._lock:
            found = self._entries.pop(key, None)
            if found is not None:
                self._entries[key] = found  # most recently used last
                return found
        assumptions = engine_assumptions(plan)
        known = None if key[1] is None else self.line_costs.under(key[1][2:], assumptions)
        costing = PlanCosting(plan, lines_queryset.for_costing(), assumptions, known)
        store_line_costs(costing=costing)
        self.put(key, costing)
        return costing

    def clear(self) -> None:
        """Forget every costing and every line cost: as after a restart."""
        with self._lock:
            self._entries.clear()
        self.line_costs.clear()


costing_cache = CostingCache()


# The whole plan, unfiltered: the key the workspace and the committee tables share.
WHOLE_PLAN = (None, "", "")


@dataclass
class LineChanges:
    """The lines a change saved or removed, for `recosting_only_changed_lines`."""

    saved: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)


@contextmanager
def recosting_only_changed_lines(plan_id: int) -> Iterator[LineChanges]:
    """Around a change to some of a plan's lines (inside its transaction): once it commits,
    the cached costing of the whole plan carries forward with only those lines costed
    afresh, so saving one line of 500 does not cost the other 499 again.

    It is safe because the plan's row is locked first (by moving its revision), so no
    other change to the plan can come between the costing read before and the one stored
    after; if the council's reference data moved meanwhile, nothing is carried forward and
    the next read costs the plan afresh."""
    if not connection.in_atomic_block:
        raise RuntimeError("recosting_only_changed_lines needs a transaction")
    Plan.bump_revision(plan_id)  # takes the plan's row lock until commit
    now = costing_cache.revisions(plan_id)
    before = (now[0], now[1] - 1, *now[2:])
    changes = LineChanges()
    yield changes
    earlier = costing_cache.peek((plan_id, before, WHOLE_PLAN))
    if earlier is None:
        return
    from posts.models import PlanLine

    saved = PlanLine.objects.filter(pk__in=changes.saved).for_costing()
    carried = earlier.with_lines(saved, changes.removed)
    store_line_costs(costing=carried)
    after = costing_cache.revisions(plan_id)
    if after[2:] != before[2:]:
        return
    transaction.on_commit(lambda: costing_cache.put((plan_id, after, WHOLE_PLAN), carried))
