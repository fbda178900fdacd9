"""Building a committee table in a test, and reading its rows."""

from figures.services import refigure_plan
from reports.builders import ReportContext, ReportOptions, build_report
from reports.tables import RowKind


def tables_of(plan, slug, **options):
    """The table as printed from the plan's figures, stored first: the tests make lines
    with factories, which store none (the services do, for lines made through them)."""
    refigure_plan(plan=plan)
    return build_report(slug, ReportContext.build(plan, ReportOptions(**options)))


def rows(table, kind=RowKind.LINE):
    return [row.cells for row in table.rows if row.kind == kind]
