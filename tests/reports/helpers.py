"""Building a committee table in a test, and reading its rows."""

from reports.builders import ReportContext, ReportOptions, build_report
from reports.tables import RowKind


def tables_of(plan, slug, **options):
    return build_report(slug, ReportContext.build(plan, ReportOptions(**options)))


def rows(table, kind=RowKind.LINE):
    return [row.cells for row in table.rows if row.kind == kind]
