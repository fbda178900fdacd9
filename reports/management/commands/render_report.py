import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from investplan.management.plan_address import add_council_argument, plan_at
from reports.builders import REPORTS, ReportOptions
from reports.documents import ReportDocument


class Command(BaseCommand):
    help = "Write one committee table of a plan as HTML, PDF, Excel or Word."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="the plan's slug")
        add_council_argument(parser)
        parser.add_argument("--report", required=True, help=", ".join(REPORTS))
        parser.add_argument("--format", required=True, choices=["html", "pdf", "xlsx", "docx"])
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--appendix", default="", help="the appendix number to print")
        parser.add_argument(
            "--by", default="workstream", help="multi-year: workstream|team|funding"
        )

    def handle(self, *args, plan, council=None, report, format, output, appendix, by, **options):
        found = plan_at(plan, council=council)
        if found is None:
            self._fail(f"No plan with the slug “{plan}”.")
        if report not in REPORTS:
            self._fail(f"No report “{report}”; choose one of {', '.join(REPORTS)}.")
        report_options = ReportOptions.from_query({"appendix": appendix, "by": by})
        document = ReportDocument.build(found, report, report_options)
        if format == "pdf":
            content = document.pdf()
        elif format == "xlsx":
            content = document.xlsx()
        elif format == "docx":
            content = document.docx()
        else:
            content = standalone_html(document).encode("utf-8")
        Path(output).write_bytes(content)
        self.stdout.write(f"Wrote {output} ({len(content):,} bytes).")

    def _fail(self, message: str):
        self.stderr.write(message)
        sys.exit(1)


def standalone_html(document: ReportDocument) -> str:
    """The printable HTML, as the PDF is laid out from it."""
    return document.print_html()
