"""Pay scales and the lines of a plan: new posts, uplifts, released budget, non-staff costs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from djmoney.money import Money
from simple_history.models import HistoricalRecords

from figures.costs.engine import LineKind as EngineLineKind
from figures.costs.engine import add_months, is_scaled, outside_years, stated_cost_words
from figures.costs.financial_year import FinancialYear
from investplan.models import (
    FinancialYearField,
    Finding,
    Organisation,
    Plan,
    Team,
    Workstream,
)

from .limits import date_problem, duration_problem, sentence


class PayScale(models.Model):
    """A council's pay spine: spinal points, the grades over them, salaries by year."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pay_scales"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="pay_scale_name_unique")
        ]

    def __str__(self):
        return self.name


class SpinalPoint(models.Model):
    """A point on the spine, coded as the council writes it; `ordinal` orders the spine."""

    pay_scale = models.ForeignKey(PayScale, on_delete=models.CASCADE, related_name="points")
    code = models.CharField(max_length=30)
    ordinal = models.PositiveIntegerField()

    class Meta:
        ordering = ["pay_scale", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["pay_scale", "code"], name="point_code_unique"),
            models.UniqueConstraint(fields=["pay_scale", "ordinal"], name="point_ordinal_unique"),
        ]

    def __str__(self):
        return f"{self.code}"


class SpinalSalary(models.Model):
    """The salary at a spinal point for one financial year: salaries are data."""

    point = models.ForeignKey(SpinalPoint, on_delete=models.CASCADE, related_name="salaries")
    financial_year = FinancialYearField()
    salary = MoneyField(
        max_digits=12,
        decimal_places=2,
        default_currency="GBP",
        # A money validator: a plain one compares Money with a number and fails the save.
        validators=[MinMoneyValidator(0)],
    )

    class Meta:
        ordering = ["point", "financial_year"]
        verbose_name_plural = "spinal salaries"
        constraints = [
            models.UniqueConstraint(
                fields=["point", "financial_year"], name="one_salary_per_point_year"
            ),
            models.CheckConstraint(condition=Q(salary__gte=0), name="salary_not_negative"),
        ]

    def __str__(self):
        return f"{self.point} {self.financial_year}: {self.salary}"


class Grade(models.Model):
    """A grade as councils write it (`K`, `PO8`, `Band E`, `Scp 26-36`, `G12`), spanning
    the spinal points from `bottom_point` to `top_point`."""

    pay_scale = models.ForeignKey(PayScale, on_delete=models.CASCADE, related_name="grades")
    code = models.CharField(max_length=30)
    bottom_point = models.ForeignKey(SpinalPoint, on_delete=models.PROTECT, related_name="+")
    top_point = models.ForeignKey(SpinalPoint, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pay_scale", "code"]
        constraints = [
            models.UniqueConstraint(fields=["pay_scale", "code"], name="grade_code_unique")
        ]

    def __str__(self):
        return self.code

    def clean(self):
        if self.bottom_point_id and self.top_point_id:
            if self.bottom_point.ordinal > self.top_point.ordinal:
                raise ValidationError({"top_point": "The top point is below the bottom point."})
            for field in ("bottom_point", "top_point"):
                if getattr(self, field).pay_scale_id != self.pay_scale_id:
                    raise ValidationError({field: "This point is on another pay scale."})

    def spans(self, point: SpinalPoint) -> bool:
        return (
            point.pay_scale_id == self.pay_scale_id
            and self.bottom_point.ordinal <= point.ordinal <= self.top_point.ordinal
        )


class LineKind(models.TextChoices):
    NEW_POST = EngineLineKind.NEW_POST.value, "New post"
    UPLIFT = EngineLineKind.UPLIFT.value, "Uplift (regrading)"
    RELEASED_BUDGET = EngineLineKind.RELEASED_BUDGET.value, "Released budget"
    NON_STAFF = EngineLineKind.NON_STAFF.value, "Non-staff cost"


STAFF_KINDS = (LineKind.NEW_POST, LineKind.UPLIFT, LineKind.RELEASED_BUDGET)


# More FTE than this on one line is a typing slip, not a plan: a large council's whole
# children's social care workforce is about a thousand.
MOST_FTE = 1000


class LineStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    RECRUITING = "recruiting", "Recruiting"
    FILLED = "filled", "Filled"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PlanLine(models.Model):
    """One row of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0, help_text="Order within the plan.")
    section = models.CharField(
        max_length=200, blank=True, help_text='The heading the line sits under, e.g. "Appendix 3".'
    )
    kind = models.CharField(max_length=20, choices=LineKind.choices, default=LineKind.NEW_POST)
    title = models.CharField("post or item", max_length=300)
    workstream = models.ForeignKey(
        Workstream, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name="where based",
    )
    phase = models.CharField(max_length=50, blank=True)
    justification = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=LineStatus.choices, default=LineStatus.PROPOSED
    )
    findings = models.ManyToManyField(Finding, blank=True, related_name="lines")

    # Pay: a grade and point, or a stated annual salary where the grade is "tbc".
    grade = models.ForeignKey(
        Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    point = models.ForeignKey(
        SpinalPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        help_text="The point the post starts on; the grade's bottom point if left blank.",
    )
    grade_as_written = models.CharField(
        max_length=30, blank=True, help_text='The grade as the appendix wrote it, e.g. "tbc".'
    )
    annual_salary = MoneyField(
        "stated annual salary",
        max_digits=12,
        decimal_places=2,
        default_currency="GBP",
        null=True,
        blank=True,
        help_text="Where the grade is not known: the full-time salary at first-year pay.",
    )
    from_grade = models.ForeignKey(
        Grade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uplifted_lines",
        help_text="For an uplift: the grade the post moves from.",
    )
    from_point = models.ForeignKey(
        SpinalPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fte = models.DecimalField("FTE", max_digits=7, decimal_places=2, null=True, blank=True)
    headcount = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="People in the post; NI thresholds are per person."
    )
    fte_in_post = models.DecimalField(
        "FTE in post", max_digits=7, decimal_places=2, default=Decimal("0")
    )

    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="The last day, if known.")
    duration_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Or a duration; leave both blank for permanent."
    )

    # The recruitment tracker (seeds 003 and 004): the start date above is the budget's.
    expected_start_date = models.DateField(
        null=True, blank=True, help_text="When the post is now expected to be filled."
    )
    actual_start_date = models.DateField(
        null=True, blank=True, help_text="When the post was filled."
    )
    agency_cover = models.BooleanField(
        "agency cover until filled",
        default=False,
        help_text="Agency staff cover the post until it is filled.",
    )

    # True cost (seed 002): which of the plan's true-cost assumptions apply to the post.
    social_worker = models.BooleanField(
        "social worker post",
        default=False,
        help_text="Counts towards the share of social-worker FTE assumed to be agency staff.",
    )
    reward_scheme = models.BooleanField(
        "recruitment and retention payments",
        default=False,
        help_text="New starters get the recruitment payment; the post gets retention payments.",
    )

    # Non-staff costs: recurring per year pro rata, or once on the start date.
    amount = MoneyField(
        max_digits=14,
        decimal_places=2,
        default_currency="GBP",
        null=True,
        blank=True,
        help_text="Non-staff: the annual amount, or the whole amount if one-off.",
    )
    one_off = models.BooleanField(default=False)

    stated_annual_cost = MoneyField(
        max_digits=14,
        decimal_places=2,
        default_currency="GBP",
        null=True,
        blank=True,
        help_text="A full-year cost stated in the appendix; used instead of the grade "
        "arithmetic, and the difference is shown.",
    )
    stated_cost_fte = models.DecimalField(
        "FTE the stated cost is for",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The FTE the stated annual cost was stated for; at another FTE it is "
        "scaled pro rata. Set when the cost is imported or typed.",
    )

    # Where an imported line came from, so importing the same file again updates it.
    source_file = models.CharField(max_length=255, blank=True)
    source_sheet = models.CharField(max_length=100, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)

    # Every change on record: who changed which field, when, from what to what; the
    # findings a line answers too, so a deleted line comes back with them. Records are
    # looked up by line, plan, user and date, never by these keys, which the historical
    # table keeps without a constraint: indexing them only made every save write more.
    history = HistoricalRecords(
        m2m_fields=[findings],
        no_db_index=["workstream", "team", "grade", "point", "from_grade", "from_point"],
    )

    class Meta:
        ordering = ["plan", "position", "id"]
        indexes = [
            models.Index(
                fields=["plan", "source_file", "source_sheet", "source_row"],
                name="line_source_row",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="line_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=LineStatus.values), name="line_status_known"
            ),
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | Q(fte__gt=0), name="line_fte_above_zero"
            ),
            models.CheckConstraint(
                condition=Q(kind=LineKind.NON_STAFF) | Q(fte__isnull=False),
                name="staff_line_has_fte",
            ),
            models.CheckConstraint(
                condition=Q(fte_in_post__gte=0), name="line_fte_in_post_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(headcount__isnull=True) | Q(headcount__gte=1),
                name="line_headcount_at_least_one",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="line_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(duration_months__isnull=True),
                name="line_end_date_or_duration",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(duration_months__gt=0),
                name="line_duration_above_zero",
            ),
            models.CheckConstraint(
                condition=Q(point__isnull=True) | Q(grade__isnull=False),
                name="line_point_needs_grade",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="line_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(stated_annual_cost__isnull=True) | Q(stated_annual_cost__gte=0),
                name="line_stated_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(annual_salary__isnull=True) | Q(annual_salary__gte=0),
                name="line_salary_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(stated_cost_fte__isnull=True) | Q(stated_cost_fte__gt=0),
                name="line_stated_cost_fte_above_zero",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def sources_ending_before_it(self) -> list:
        """The funding sources allocated to this line that end before it does (a permanent
        post on a two-year grant): its funding cliffs."""
        end = self.effective_end_date
        return [
            allocation.source
            for allocation in self.allocations.select_related("source").order_by("position", "id")
            if allocation.source.end_date and (end is None or end > allocation.source.end_date)
        ]

    def is_outside_years(self, first_year: int, last_year: int) -> bool:
        """Whether the line lies wholly outside the financial years starting in
        `first_year` to `last_year` (its plan's, or years a plan is about to take): it
        would cost nothing in them. The engine's rule (`outside_years`)."""
        return outside_years(
            self.start_date,
            self.effective_end_date,
            FinancialYear(first_year),
            FinancialYear(last_year),
            one_off=self.kind == LineKind.NON_STAFF and self.one_off,
        )

    def outside_years_flag(self, first_year: int, last_year: int) -> str:
        """The flag of a line wholly outside the plan's years, which costs nothing in it:
        "outside the plan's years: 2023/24 to 2024/25"; "" for every other line."""
        if not self.start_date or not self.is_outside_years(first_year, last_year):
            return ""
        return (
            f"outside the plan's years: {FinancialYear(first_year)} to {FinancialYear(last_year)}"
        )

    @property
    def outside_plan_years(self) -> str:
        """`outside_years_flag` for the line's own plan."""
        return self.outside_years_flag(self.plan.first_year, self.plan.last_year)

    @property
    def stated_cost_scaling(self) -> str:
        """How the stated annual cost is scaled to the post's FTE, in words (as
        `stated_cost_words` puts it), where it is; "" where it is used as stated."""
        stated = self.stated_annual_cost
        if not self.is_staff or stated is None or self.fte is None:
            return ""
        if not is_scaled(self.stated_cost_fte, self.fte):
            return ""
        return stated_cost_words(stated.amount, self.stated_cost_fte, self.fte)

    @property
    def is_staff(self) -> bool:
        return self.kind in STAFF_KINDS

    @property
    def effective_end_date(self) -> date | None:
        """The last day of the line: its end date, or the day before its duration ends."""
        return last_day(self.start_date, self.end_date, self.duration_months)

    @property
    def duration_label(self) -> str:
        """How a council paper writes it: "2 years", "18 months", "Permanent", "One-off"."""
        return duration_words(
            self.kind, self.one_off, self.start_date, self.end_date, self.duration_months
        )

    @property
    def grade_label(self) -> str:
        return grade_words(
            self.kind,
            self.grade.code if self.grade_id else "",
            self.from_grade.code if self.from_grade_id and self.kind == LineKind.UPLIFT else "",
            self.grade_as_written,
        )

    def clean(self):
        errors: dict[str, list[str]] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.fte is not None and self.fte <= 0:
            add("fte", f"FTE must be above zero (you entered {self.fte.normalize():f}).")
        elif self.fte is not None and self.fte > MOST_FTE:
            add(
                "fte",
                f"An FTE above {MOST_FTE:,} on one line is more than a council's whole "
                f"children's workforce: check it (you entered {self.fte.normalize():f}).",
            )
        if self.stated_cost_fte is not None and self.stated_cost_fte <= 0:
            add(
                "stated_cost_fte",
                "The FTE a cost is stated for must be above zero "
                f"(you entered {self.stated_cost_fte.normalize():f}).",
            )
        for field, name in (
            ("start_date", "start date"),
            ("end_date", "end date"),
            ("expected_start_date", "expected start date"),
            ("actual_start_date", "actual start date"),
        ):
            if problem := date_problem(name, getattr(self, field)):
                add(field, sentence(problem))
        if problem := duration_problem(self.duration_months):
            add("duration_months", sentence(problem))
        if self.end_date and self.start_date and self.end_date < self.start_date:
            add(
                "end_date",
                f"The end date ({self.end_date:%-d %b %Y}) is before the start date "
                f"({self.start_date:%-d %b %Y}).",
            )
        if self.end_date and self.duration_months:
            add("duration_months", "Give an end date or a duration, not both.")
        if self.duration_months is not None and self.duration_months < 1:
            add("duration_months", "A duration is at least one month.")
        if self.headcount is not None and self.headcount < 1:
            add("headcount", "A headcount is at least one person.")
        if self.fte_in_post is not None and self.fte_in_post < 0:
            add("fte_in_post", "FTE in post cannot be below zero.")
        for field, label in (
            ("annual_salary", "A stated annual salary"),
            ("amount", "An amount"),
            ("stated_annual_cost", "A stated annual cost"),
        ):
            money = getattr(self, field)
            if money is not None and money.amount < 0:
                add(field, f"{label} cannot be below zero.")
        if self.point_id and not self.grade_id:
            add("point", "Choose the grade the point is on.")
        if self.is_staff:
            if self.fte is None:
                add("fte", "A post needs an FTE.")
            has_pay = self.grade_id or self.annual_salary is not None
            if not has_pay and self.stated_annual_cost is None:
                add("grade", "Choose a grade, or give a stated annual salary or cost.")
        elif self.amount is None and self.stated_annual_cost is not None:
            add("amount", "Give a non-staff cost as its amount, not a stated annual cost.")
        if self.kind == LineKind.UPLIFT and self.stated_annual_cost is None:
            if not self.from_grade_id:
                add("from_grade", "An uplift needs the grade the post moves from.")
            if not self.grade_id:
                add("grade", "An uplift needs the grade the post moves to.")
        if self.point_id and self.grade_id and not self.grade.spans(self.point):
            add("point", f"Point {self.point.code} is not on grade {self.grade.code}.")
        if self.from_point_id and self.from_grade_id and not self.from_grade.spans(self.from_point):
            add("from_point", f"Point {self.from_point.code} is not on grade {self.from_grade}.")
        if self.plan_id:
            organisation_id = self.plan.organisation_id
            if self.workstream_id and self.workstream.plan_id != self.plan_id:
                add("workstream", "This workstream belongs to another plan.")
            if self.team_id and self.team.organisation_id != organisation_id:
                add("team", "This team belongs to another council.")
            for field in ("grade", "from_grade"):
                grade = getattr(self, field) if getattr(self, f"{field}_id") else None
                if grade and grade.pay_scale.organisation_id != organisation_id:
                    add(field, "This grade is on another council's pay scale.")
        if errors:
            raise ValidationError(errors)


# What a line is costed from, of the fields a new line's row carries (`LineValues`).
COSTED_FIELDS = (
    "kind", "fte", "headcount", "start_date", "end_date", "duration_months", "one_off",
    "grade_id", "point_id", "annual_salary", "from_grade_id", "from_point_id", "amount",
    "stated_annual_cost", "stated_cost_fte", "social_worker", "reward_scheme",
    "expected_start_date", "actual_start_date", "agency_cover",
)  # fmt: skip
_MONEY_FIELDS = ("annual_salary", "amount", "stated_annual_cost")


@dataclass(slots=True)
class LineValues:
    """A new plan line as the column values it is inserted with, read by the costing as a
    `PlanLine` is: an import makes thousands of lines, and its figures need these values,
    not a model each (decision 0007). Money is a `Money`, as a model's field gives it;
    a value the row leaves out is the field's default."""

    kind: str
    fte: Decimal | None
    headcount: int | None
    start_date: date
    end_date: date | None
    duration_months: int | None
    one_off: bool
    grade_id: int | None
    point_id: int | None
    annual_salary: Money | None
    from_grade_id: int | None
    from_point_id: int | None
    amount: Money | None
    stated_annual_cost: Money | None
    stated_cost_fte: Decimal | None
    social_worker: bool
    reward_scheme: bool
    expected_start_date: date | None
    actual_start_date: date | None
    agency_cover: bool  # the in-year forecast's agency cover is stored (decision 0039)
    pk: int | None = None  # once inserted
    # Its last day, by the model's rule, worked out once: the engine, the printed figures
    # and the question whether it lies outside the plan's years each ask for it.
    effective_end_date: date | None = None

    # The line's own rules, as the model has them.
    is_outside_years = PlanLine.is_outside_years

    @classmethod
    def of(cls, row: dict) -> LineValues:
        """From a row of column values (field attnames) as `insert_rows` takes them."""
        values = [row.get(name, default) for name, default in _COSTED_DEFAULTS]
        for index in _MONEY_INDEXES:
            if values[index] is not None:
                values[index] = Money(values[index], "GBP")
        line = cls(*values)
        line.effective_end_date = PlanLine.effective_end_date.fget(line)
        return line


_COSTED_DEFAULTS = [
    (name, PlanLine._meta.get_field(name.removesuffix("_id")).get_default())
    for name in COSTED_FIELDS
]
_MONEY_INDEXES = [COSTED_FIELDS.index(name) for name in _MONEY_FIELDS]


# A line's dates and grade in words, from its fields alone: for a line read as a row of
# values (the committee tables) as much as for a model instance.


def last_day(start: date | None, end: date | None, months: int | None) -> date | None:
    """The last day of a line: its end date, or the day before its duration ends (same
    day-of-month, months later, less a day: 1 Apr + 24 months -> 31 Mar)."""
    if end:
        return end
    if months and start:
        return add_months(start, months) - timedelta(days=1)
    return None


def duration_words(
    kind: str, one_off: bool, start: date | None, end: date | None, months: int | None
) -> str:
    """How a council paper writes a line's duration: "2 years", "18 months",
    "Permanent", "One-off"."""
    if kind == LineKind.NON_STAFF and one_off:
        return "One-off"
    if not end and not months:
        return "Permanent"
    if months is None:
        after = end + timedelta(days=1)
        months = (after.year - start.year) * 12 + after.month - start.month
        if after.day != start.day:
            return f"to {end:%-d %b %Y}"
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


def grade_words(kind: str, grade: str, from_grade: str, as_written: str) -> str:
    """A line's grade as the tables print it: "SW3 to SW4" for an uplift, the grade's
    code, or the grade as the appendix wrote it ("tbc")."""
    if kind == LineKind.UPLIFT and from_grade and grade:
        return f"{from_grade} to {grade}"
    return grade or as_written


def lines_outside_years(plan: Plan) -> list[PlanLine]:
    """The plan's lines wholly outside its years, in the plan's order."""
    lines = (
        PlanLine.objects.filter(plan=plan)
        .only(
            "pk", "plan_id", "title", "kind", "one_off", "start_date", "end_date", "duration_months"
        )
        .order_by("position", "pk")
    )
    return [line for line in lines if line.is_outside_years(plan.first_year, plan.last_year)]


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Not imported: errors"


class AppendixImport(models.Model):
    """One appendix brought in, or previewed: who, when, which file, what became of each
    row. The file is kept while it is previewed, so committing reads exactly what was seen."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="appendix_imports"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="appendix_imports"
    )
    plan_slug = models.SlugField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    sheet = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField(editable=False)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    counts = models.JSONField(default=dict)
    report = models.JSONField(default=dict)
    corrections = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_status_known"
            )
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class ColumnMapping(models.Model):
    """A column heading a council uses and the field it feeds, as an admin confirmed it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="column_mappings"
    )
    header = models.CharField(max_length=200, help_text="The heading, normalised.")
    field = models.CharField(max_length=30)

    class Meta:
        ordering = ["organisation", "header"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "header"], name="one_mapping_per_header"
            )
        ]

    def __str__(self):
        return f"{self.header} → {self.field}"
