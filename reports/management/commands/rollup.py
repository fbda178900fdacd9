import json
import sys

from django.core.management.base import BaseCommand

from figures.costs.money import format_money
from investplan.management.plan_address import add_council_argument, plan_at
from reports.rollups import GROUPINGS, rollup


class Command(BaseCommand):
    help = "Print a plan's costs grouped by line, workstream, funding source, team or finding."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="the plan's slug")
        add_council_argument(parser)
        parser.add_argument("--by", choices=GROUPINGS, default="workstream")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, plan, council=None, by, json: bool, **options):
        found = plan_at(plan, council=council)
        if found is None:
            self.stderr.write(f"No plan with the slug “{plan}”.")
            sys.exit(1)
        result = rollup(found, by)
        if json:
            self.stdout.write(_dumps(result.as_json()))
            return
        self._print_table(result)

    def _print_table(self, result):
        years = [year.label for year in result.financial_years]
        header = ["", "FTE", "Full year", *years, "Total"]

        def figures_row(name, figures):
            return (
                [name, f"{figures.fte:.2f}", format_money(figures.full_year, symbol="")]
                + [format_money(figures.years[year], symbol="") for year in result.financial_years]
                + [format_money(figures.total, symbol="")]
            )

        rows = [figures_row(group.name, group.figures) for group in result.groups]
        rows.append(figures_row("Total", result.totals))
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = [row[0].ljust(widths[0])] + [
                cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
            ]
            self.stdout.write("  ".join(cells))
        for error in result.errors:
            self.stderr.write(f"Not costed: {error.title}: {error.error}")


def _dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
