"""Rendered PDFs: the cache of what was made, and the progress of what is being made."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from investplan.models import Plan


class RenderStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Laying out pages"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class RenderedReportQuerySet(models.QuerySet):
    def current(self, *, plan: Plan, report: str, options_key: str):
        """Renders made from exactly the plan's present facts."""
        return self.filter(
            plan=plan,
            report=report,
            options_key=options_key,
            plan_revision=plan.revision,
            organisation_revision=plan.organisation.revision,
        )


# Making a PDF goes in steps, and its progress is recorded in them: these before the
# pages are laid out, then one step for each page, then writing the file.
PREPARATION_STEPS = ("Reading the tables", "Reading the print styles", "Applying the print styles")
WRITING_STEP = "Writing the PDF file"


def steps_expected(pages: int) -> int:
    """The steps of making a PDF of about `pages` pages."""
    return len(PREPARATION_STEPS) + pages + 1


class RenderedReport(models.Model):
    """A PDF of one report of one plan, keyed by the plan's and its council's revisions:
    any change to the facts moves a revision, so a stale PDF is never served.

    `pages_done` of `pages_expected` counts the steps made so far (PREPARATION_STEPS, a
    step per page, the writing), so the reader sees progress from the start."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="renders")
    report = models.CharField(max_length=50)
    options_key = models.CharField(max_length=64)
    options = models.JSONField(default=dict)
    plan_revision = models.PositiveBigIntegerField()
    organisation_revision = models.PositiveBigIntegerField()
    status = models.CharField(
        max_length=10, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    pages_done = models.PositiveIntegerField(default=0)
    pages_expected = models.PositiveIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RenderedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["plan", "report", "options_key", "plan_revision", "organisation_revision"],
                name="render_lookup",
            )
        ]

    def __str__(self):
        return f"{self.report} of {self.plan} ({self.get_status_display()})"

    @property
    def progress_label(self) -> str:
        """Where the making has got to, as the reader is told: "Laying out page 3 of
        about 11"."""
        if self.status == RenderStatus.QUEUED:
            return "Waiting for the worker to start"
        preparing = len(PREPARATION_STEPS)
        if self.pages_done < preparing:
            return PREPARATION_STEPS[self.pages_done]
        pages = max(1, self.pages_expected - preparing - 1)
        page = self.pages_done - preparing
        if page < pages or self.status != RenderStatus.RUNNING:
            return f"Laying out page {min(page + 1, pages)} of about {pages}"
        return WRITING_STEP

    @property
    def percent_done(self) -> int:
        if self.status == RenderStatus.DONE:
            return 100
        if not self.pages_expected:
            return 0
        return min(99, round(100 * self.pages_done / self.pages_expected))


class ApprovedBaseline(models.Model):
    """What committee saw when a plan was approved, frozen: every committee table as its
    rows were printed, with the assumptions beneath, and the plan's figures by workstream,
    team and funding source, against which later changes show as a variance."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="baselines")
    approved_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    plan_revision = models.PositiveBigIntegerField()
    # {document key: {"title", "tables": [table_as_json], "assumptions": [[label, text]]}}
    documents = models.JSONField()
    # {grouping: [{"name", "fte", "full_year", "years": {start year: pounds}}]}
    figures = models.JSONField()

    class Meta:
        ordering = ["-approved_at", "-id"]
        get_latest_by = ["approved_at", "id"]

    def __str__(self):
        return f"{self.plan} as approved on {self.approved_at:%-d %B %Y}"
