"""A plan line's figures as printed, worked out when the line's facts change and stored,
so every page adds them up with the database (decision 0020).

Each figure is the engine's exact cost rounded once, half up, to whole pounds, the
precision every table prints (the working page prints one line in pence, costed on
demand). Parts shared between funding sources or findings are split so that they sum
exactly to the line.

Nothing here is edited by a person: `figures.services` writes these rows in the same
transaction as the change that moves them, and `manage.py check_figures` proves they equal
a fresh costing.
"""

from __future__ import annotations

from django.db import models
from djmoney.models.fields import MoneyField

from funding.models import FundingSource
from investplan.models import FinancialYearField, Finding, Plan
from posts.models import PlanLine


def _money(verbose_name: str, *, null: bool = False) -> MoneyField:
    return MoneyField(
        verbose_name,
        max_digits=16,
        decimal_places=2,
        default_currency="GBP",
        currency_choices=[("GBP", "Pound sterling")],
        null=null,
        blank=null,
        default=None if null else 0,
    )


def _fte(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=9, decimal_places=2, default=0)


class LineFigures(models.Model):
    """One line's figures that are not by year: the FTE it adds, its full-year effect,
    what the tables print beside it, and why it cannot be costed, if it cannot."""

    line = models.OneToOneField(
        PlanLine, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    # The line's plan again, so a plan's figures are added up without joining its lines.
    # Not checked by the database: the line's key is, and the line's own key its plan
    # (decision 0045; so for the plan of every figure row).
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    fte = _fte("FTE added")
    full_year_in_pounds = _money("full-year effect, in whole pounds")
    # The exact full-year effect as the engine worked it out, for the establishment's unit
    # cost (several lines' exact effects over their FTE, rounded once). Text, because
    # SQLite keeps a decimal column as a float; "" where the line cannot be costed.
    full_year_exact = models.TextField(blank=True)
    salary_in_pounds = _money("full-year salary, in whole pounds", null=True)
    # A stated annual cost beside the grade arithmetic, where both exist.
    computed_full_year_in_pounds = _money("full-year effect by the grade, in pounds", null=True)
    stated_difference_in_pounds = _money("stated less the grade's, in pounds", null=True)
    # Whether they differ at all (by less than a pound is "rounding in the appendix").
    stated_differs = models.BooleanField(default=False)
    error = models.TextField("why it cannot be costed", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "line figures"

    def __str__(self):
        return f"figures of line {self.line_id}"


class LineYearFigure(models.Model):
    """One line's cost in one financial year of its plan."""

    # No index of their own: `one_figure_a_year` leads with the line and
    # `year_figures_of_plan` with the plan, and every import writes these rows by the ten
    # thousand (docs/performance.md, issue 17).
    line = models.ForeignKey(
        PlanLine, on_delete=models.CASCADE, related_name="year_figures", db_index=False
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    financial_year = FinancialYearField()
    cost_in_pounds = _money("cost, in whole pounds")
    # The in-year forecast: the cost had the post started when it actually did, or is
    # now expected to (the cost itself where it started as budgeted).
    forecast_in_pounds = _money("forecast from the start date, in whole pounds")
    # What the true cost adds to a new post in the year.
    agency_premium = _money("agency premium, in whole pounds")
    recruitment = _money("recruitment payments, in whole pounds")
    retention = _money("retention payments, in whole pounds")
    vacancy_factor = _money("vacancy factor, in whole pounds")
    # What agency staff covering a post filled late cost in the year (the in-year
    # forecast's cover), from the year's printed cost and forecast.
    agency_cover_in_pounds = _money("agency cover until filled, in whole pounds")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "financial_year"], name="one_figure_a_year"),
        ]
        indexes = [models.Index(fields=["plan", "financial_year"], name="year_figures_of_plan")]

    def __str__(self):
        return f"line {self.line_id} in {self.financial_year}"


class FundingPart(models.Model):
    """What one funding source pays of a line (no source: what requires additional
    funding) in one financial year, or of its full-year effect (no year).

    A source that ends before a year begins pays nothing in it; `cliff_in_pounds` is what
    it would have paid had it continued (on the full-year row: its share of the full-year
    effect), where the line outlives it: the recurring pressure."""

    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="funding_parts")
    # Found by `funding_parts_of_plan`, which leads with it.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, null=True, related_name="+")
    financial_year = FinancialYearField(null=True)
    # The line's FTE shared in proportion to what each source pays of its full-year effect.
    fte = _fte("FTE paid for")
    cost_in_pounds = _money("cost, in whole pounds")
    cliff_in_pounds = _money("would have paid after it ends, in whole pounds", null=True)

    class Meta:
        indexes = [models.Index(fields=["plan", "source"], name="funding_parts_of_plan")]

    def __str__(self):
        return f"line {self.line_id}, source {self.source_id}, {self.financial_year}"


class FindingPart(models.Model):
    """A line's share of its figures for one finding it answers (no finding: not linked
    to one) in one financial year, or of its full-year effect and FTE (no year). A line
    answering several findings is shared between them equally."""

    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="finding_parts")
    # Found by `finding_parts_of_plan`, which leads with it.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, null=True, related_name="+")
    financial_year = FinancialYearField(null=True)
    fte = _fte("FTE")
    cost_in_pounds = _money("cost, in whole pounds")

    class Meta:
        indexes = [models.Index(fields=["plan", "finding"], name="finding_parts_of_plan")]

    def __str__(self):
        return f"line {self.line_id}, finding {self.finding_id}, {self.financial_year}"


class PlanFigures(models.Model):
    """Whether a plan's stored figures are up to date. A change to a large plan's
    assumptions or to its council's reference data asks for a recosting (`wanted` moves);
    the background worker recosts it and records the request it answered (`done`). Until
    then, the pages say the figures are being recalculated."""

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, primary_key=True, related_name="figures_state"
    )
    wanted = models.PositiveBigIntegerField(default=0)
    done = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "plan figures"

    def __str__(self):
        return f"figures of plan {self.plan_id}"

    @property
    def recalculating(self) -> bool:
        return self.wanted > self.done
