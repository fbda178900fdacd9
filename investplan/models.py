"""Core plan models: councils, their people, plans, assumptions, workstreams, teams and
the Ofsted findings that posts answer. Models hold facts; the arithmetic is in `costs`."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from simple_history.models import HistoricalRecords

from figures.costs.financial_year import MAX_PLAN_YEARS, FinancialYear
from investplan.fields import FinancialYearFormField

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class FinancialYearField(models.PositiveSmallIntegerField):
    """A financial year, stored as the calendar year it starts in (2020 is 2020/21)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [MinValueValidator(1990), MaxValueValidator(2100)])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": FinancialYearFormField, **kwargs})


def financial_year_label(start_year: int | None) -> str:
    return FinancialYear(start_year).label if start_year else ""


class RevisedModel(models.Model):
    """A row whose `revision` counts changes to what hangs off it, to key cached reports.

    The counter moves only by `bump_revision` (an UPDATE ... + 1); ordinary saves leave it
    alone, so a stale instance saved later can never wind it back."""

    revision = models.PositiveBigIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "revision"
            ]
        super().save(*args, **kwargs)

    @classmethod
    def bump_revision(cls, pk) -> None:
        cls.objects.filter(pk=pk).update(revision=F("revision") + 1)


class Organisation(RevisedModel):
    """A council. Its revision moves when its reference data (pay scales, funding
    sources, findings, teams) changes."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    ADMIN = "admin", "Admin"


class Membership(models.Model):
    """A user's place in an organisation, and the role that says what they may do there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_org"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"


class Invitation(models.Model):
    """A council admin's invitation to one person to join the council in a role. The link
    holds a random token, kept here only as its SHA-256 (a copy of the database opens no
    invitation); it works once, until `expires_at`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_known"),
        ]

    def __str__(self):
        return f"{self.email} – {self.get_role_display()} at {self.organisation}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"


class PlanQuerySet(models.QuerySet):
    def for_user(self, user):
        """Plans of the organisations the user belongs to: nobody sees another council's."""
        return self.filter(organisation__memberships__user=user)

    def active(self):
        """Plans in use: what the home page lists. Archived plans are read apart."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Plan(RevisedModel):
    """An organisation's investment programme. Its revision moves with every change to
    it, its lines, allocations and assumptions."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=200)
    # The plan's address, unique within its council only: a council's addresses say
    # nothing of another's (decision 0047). Indexed for the lookups by address.
    slug = models.SlugField(max_length=100)
    first_year = FinancialYearField(help_text="The first financial year, e.g. 2020/21.")
    last_year = FinancialYearField(help_text="The last financial year, e.g. 2021/22.")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    committee = models.CharField(max_length=200, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    # An archived plan is kept to read (and unarchive), off the lists of plans in use.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A scenario ("Efficient structure") is a plan of its own, copied from another.
    scenario_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
        help_text="The plan this scenario was copied from.",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")),
                name="plan_last_year_not_before_first",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_known"
            ),
            models.UniqueConstraint(
                fields=["organisation", "slug"],
                name="plan_slug_unique_in_organisation",
                violation_error_message="The council already has a plan at this address.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.first_year and self.last_year):
            return
        if self.last_year < self.first_year:
            raise ValidationError(
                {"last_year": "The last financial year is before the first financial year."}
            )
        years = self.last_year - self.first_year + 1
        if years > MAX_PLAN_YEARS:
            raise ValidationError(
                {
                    "last_year": f"A plan runs at most {MAX_PLAN_YEARS} financial years; "
                    f"{FinancialYear(self.first_year)} to {FinancialYear(self.last_year)} "
                    f"is {years}."
                }
            )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def approval(self) -> str:
        """As the approved tables print it: "Approved by Cabinet on 12 March 2026"."""
        if self.status != PlanStatus.APPROVED or not self.committee:
            return ""
        when = f" on {self.meeting_date:%-d %B %Y}" if self.meeting_date else ""
        return f"Approved by {self.committee}{when}"

    @property
    def financial_years(self) -> list[FinancialYear]:
        return FinancialYear.span(FinancialYear(self.first_year), FinancialYear(self.last_year))

    @property
    def period_label(self) -> str:
        """As councils head a total column: "Apr 2020 to Mar 2022"."""
        return f"Apr {self.first_year} to Mar {self.last_year + 1}"


class OnCostMethod(models.TextChoices):
    FLAT = "flat", "Flat percentage of pay"
    COMPUTED = "computed", "Employer NI, pension and apprenticeship levy"


class Assumptions(models.Model):
    """What a plan's costs rest on. Printed under every committee table."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="assumptions")
    on_cost_method = models.CharField(
        max_length=10, choices=OnCostMethod.choices, default=OnCostMethod.FLAT
    )
    flat_on_cost_percent = models.DecimalField(
        "flat on-cost %",
        max_digits=6,
        decimal_places=3,
        default=Decimal("29"),
        validators=PERCENT_VALIDATORS,
        help_text="Used when on-costs are a flat percentage of pay, e.g. 29%.",
    )
    pension_percent = models.DecimalField(
        "employer pension %",
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
    )
    levy_percent = models.DecimalField(
        "apprenticeship levy %",
        max_digits=6,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=PERCENT_VALIDATORS,
    )
    increments = models.BooleanField(
        default=False, help_text="Posts move up one spinal point each April to the grade's top."
    )
    vacancy_factor_percent = models.DecimalField(
        "vacancy factor %",
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
    )

    # True cost (seed 002, Appendix C note 2): what posts cost beyond pay and on-costs.
    agency_share_percent = models.DecimalField(
        "agency share of social-worker FTE %",
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
        help_text="The share of social workers who are agency staff at any time, e.g. 15%.",
    )
    agency_premium = MoneyField(
        "agency premium per FTE per year",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        default_currency="GBP",
        validators=[MinMoneyValidator(0)],
        help_text="What an agency worker costs a year beyond an employee, e.g. £30,000.",
    )
    recruitment_payment = MoneyField(
        "recruitment payment per new starter",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        default_currency="GBP",
        validators=[MinMoneyValidator(0)],
    )
    retention_payment = MoneyField(
        "retention payment per eligible FTE per year",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        default_currency="GBP",
        validators=[MinMoneyValidator(0)],
    )

    # Every change on record: who changed which field, when, from what to what.
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "assumptions"
        constraints = [
            models.CheckConstraint(
                condition=Q(on_cost_method__in=OnCostMethod.values),
                name="assumptions_on_cost_method_known",
            ),
        ]

    def __str__(self):
        return f"Assumptions for {self.plan}"


class PayAward(models.Model):
    """The pay award from 1 April of a financial year."""

    assumptions = models.ForeignKey(
        Assumptions, on_delete=models.CASCADE, related_name="pay_awards"
    )
    financial_year = FinancialYearField()
    percent = models.DecimalField(max_digits=6, decimal_places=3, validators=PERCENT_VALIDATORS)
    agreed = models.BooleanField(default=False, help_text="Agreed, rather than assumed.")

    # Every change on record: who changed which field, when, from what to what.
    history = HistoricalRecords()

    class Meta:
        ordering = ["financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["assumptions", "financial_year"], name="one_pay_award_per_year"
            )
        ]

    def __str__(self):
        status = "agreed" if self.agreed else "assumed"
        return f"{financial_year_label(self.financial_year)}: {self.percent}% ({status})"


class EmployerNIRate(models.Model):
    """Employer National Insurance for a financial year: the rate above the threshold."""

    assumptions = models.ForeignKey(Assumptions, on_delete=models.CASCADE, related_name="ni_rates")
    financial_year = FinancialYearField()
    percent = models.DecimalField(max_digits=6, decimal_places=3, validators=PERCENT_VALIDATORS)
    secondary_threshold = MoneyField(
        max_digits=12,
        decimal_places=2,
        default_currency="GBP",
        help_text="The annual secondary threshold per employee.",
    )

    class Meta:
        ordering = ["financial_year"]
        verbose_name = "employer NI rate"
        constraints = [
            models.UniqueConstraint(
                fields=["assumptions", "financial_year"], name="one_ni_rate_per_year"
            )
        ]

    def __str__(self):
        return f"{financial_year_label(self.financial_year)}: {self.percent}%"


class Workstream(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="workstream_name_unique")
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    """Where a post is based: a team, service area or district."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")
        ]

    def __str__(self):
        return self.name


class InspectionKind(models.TextChoices):
    ILACS = "ilacs", "ILACS inspection"
    MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
    FOCUSED_VISIT = "focused_visit", "Focused visit"


class Judgement(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class Inspection(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="inspections"
    )
    kind = models.CharField(max_length=20, choices=InspectionKind.choices)
    date = models.DateField(null=True, blank=True, help_text="Leave blank if not known.")
    overall_judgement = models.CharField(max_length=30, choices=Judgement.choices, blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        when = self.date.strftime("%B %Y") if self.date else "date not recorded"
        return f"{self.get_kind_display()} ({when})"


class Finding(models.Model):
    """A finding or recommendation of an inspection, referenced as the letter writes it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    reference = models.CharField(max_length=100, blank=True, help_text="e.g. para 36, Rec 14")
    text = models.TextField()
    judgement_area = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        head = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{self.reference}: {head}" if self.reference else head
