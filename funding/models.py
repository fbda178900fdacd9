"""Where the money comes from: funding sources, what they have each year, and the
allocation of plan lines to them. What no source pays is "requires additional funding"."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from figures.costs.money import format_money
from investplan.models import FinancialYearField, Organisation, financial_year_label
from posts.models import PlanLine


class SourceKind(models.TextChoices):
    GRANT = "grant", "Grant"
    BASE_BUDGET = "base_budget", "Base budget"
    PARTNER = "partner", "Partner contribution"
    RESERVES = "reserves", "Reserves"
    OTHER_COUNCIL_BUDGET = "other_council_budget", "Other council budget"


class FundingSource(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="funding_sources"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=SourceKind.choices)
    end_date = models.DateField(
        null=True, blank=True, help_text="When the money stops, for a time-limited grant."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="source_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_known"
            ),
        ]

    def __str__(self):
        return self.name


class FundingAvailability(models.Model):
    """How much a source has for one financial year."""

    source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, related_name="availability")
    financial_year = FinancialYearField()
    amount = MoneyField(max_digits=14, decimal_places=2, default_currency="GBP")

    class Meta:
        ordering = ["source", "financial_year"]
        verbose_name_plural = "funding availability"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "financial_year"], name="one_amount_per_source_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="available_not_negative"),
        ]

    def __str__(self):
        year = financial_year_label(self.financial_year)
        return f"{self.source} {year}: {format_money(self.amount.amount)}"

    def clean(self):
        if self.amount is not None and self.amount.amount < 0:
            raise ValidationError({"amount": "An amount available cannot be below £0."})


class Allocation(models.Model):
    """A share of a line paid by a source: a percentage of its cost, or a fixed amount a
    year. Percentages of one line come to at most 100%; the database holds that too."""

    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="allocations")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="allocations")
    percent = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("100"))],
    )
    amount = MoneyField(
        "fixed amount a year",
        max_digits=14,
        decimal_places=2,
        default_currency="GBP",
        null=True,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(default=0)

    # Every change on record: who changed which field, when, from what to what.
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "source"], name="one_allocation_per_source"),
            models.CheckConstraint(
                condition=(Q(percent__isnull=False) & Q(amount__isnull=True))
                | (Q(percent__isnull=True) & Q(amount__isnull=False)),
                name="allocation_percent_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gt=0) & Q(percent__lte=100)),
                name="allocation_percent_in_range",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="allocation_amount_above_zero",
            ),
        ]

    def __str__(self):
        if self.percent is not None:
            share = f"{self.percent.normalize():f}%"
        else:
            share = f"{format_money(self.amount.amount)} a year"
        return f"{self.line} – {share} from {self.source}"

    def clean(self):
        # Each check constraint of the table is stated here in the users' words, on the
        # field at fault (so Django does not report the constraint again by its name).
        if (self.percent is None) == (self.amount is None):
            raise ValidationError(
                {"percent": "Give a percentage or a fixed amount a year, not both or neither."}
            )
        if self.amount is not None and self.amount.amount <= 0:
            raise ValidationError({"amount": "A fixed amount a year must be above £0."})
        if (
            self.line_id
            and self.source_id
            and self.source.organisation_id != self.line.plan.organisation_id
        ):
            raise ValidationError({"source": "This funding source belongs to another council."})
        if (
            self.percent is not None
            and self.line_id
            and not getattr(self, "_checked_as_a_set", False)
        ):
            others = Allocation.objects.filter(line_id=self.line_id, percent__isnull=False).exclude(
                pk=self.pk
            ).aggregate(total=Sum("percent"))["total"] or Decimal("0")
            check_allocation_total(others + self.percent)


def check_allocation_total(total: Decimal) -> None:
    if total > 100:
        raise ValidationError(
            f"Allocations to funding sources come to {total.normalize():f}%, more than 100%. "
            "Reduce them so the line is funded at most once.",
            code="over_allocated",
        )
