"""python manage.py import_appendix FILE --plan SLUG [--council SLUG] [--sheet NAME]
[--years 2020/21-2021/22] [--dry-run] --json

(`--organisation` is the same as `--council`.)

Prints one JSON object. Exit 0 when imported (warnings allowed), 1 when any row is an error
(nothing saved), 2 when the file cannot be read or the years given are not years."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from investplan.management.plan_address import plan_at
from investplan.models import Organisation
from posts.appendix.reading import UnreadableFile
from posts.appendix.years import parse_years
from posts.importing import import_appendix


class Command(BaseCommand):
    help = "Import a spreadsheet appendix (xlsx, xlsm or CSV) into a plan."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="The plan's slug; made if new.")
        parser.add_argument(
            "--council",
            "--organisation",
            dest="organisation",
            metavar="SLUG",
            help="The council's slug; made if new. By default the council with a plan at the "
            "address; for a new plan, the only council there is, or one made and named after "
            "the plan on a fresh installation.",
        )
        parser.add_argument("--sheet", help="The sheet to read; the first with a table if not.")
        parser.add_argument(
            "--years",
            help="A new plan's financial years, e.g. 2008/09-2009/10 or 2008/09; by default "
            "the years the file names.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show, save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, file, plan, organisation, sheet, years, dry_run, json: bool, **options):
        path = Path(file)
        try:
            try:
                chosen = parse_years(years) if years is not None else None
            except ValueError as error:
                raise UnreadableFile(f"--years: {error}") from None
            if not path.is_file():
                raise UnreadableFile(f"{file}: no such file")
            limit = settings.IMPORT_LIMITS["file_bytes"]
            if path.stat().st_size > limit:
                raise UnreadableFile(f"{path.name} is over the {limit // 1024 // 1024} MB limit")
            with transaction.atomic():
                council = self._organisation(organisation, plan)
                report = import_appendix(
                    organisation=council,
                    plan_slug=plan,
                    file_name=path.name,
                    data=path.read_bytes(),
                    sheet=sheet,
                    dry_run=dry_run,
                    years=chosen,
                )
                if dry_run:  # a council made for the preview goes with it
                    transaction.set_rollback(True)
        except UnreadableFile as error:
            self._print({"error": str(error)}, json)
            sys.exit(2)
        self._print(report.as_json(), json)
        if report.has_errors:
            sys.exit(1)

    def _organisation(self, slug, plan_slug) -> Organisation:
        if slug:
            organisation, _ = Organisation.objects.get_or_create(
                slug=slug, defaults={"name": slug.replace("-", " ").title()}
            )
            return organisation
        try:  # several councils may have a plan at the address (decision 0047)
            existing = plan_at(plan_slug)
        except CommandError as several:  # said in this command's JSON, as its other refusals
            raise UnreadableFile(str(several)) from None
        if existing is not None:
            return existing.organisation
        councils = list(Organisation.objects.all()[:2])
        if len(councils) == 1:  # the only council there is
            return councils[0]
        if councils:
            raise UnreadableFile(
                f"the plan “{plan_slug}” is new and there are several councils: say whose "
                "with --council"
            )
        # A fresh installation: the council is made, named after the plan until renamed.
        organisation, _ = Organisation.objects.get_or_create(
            slug=plan_slug, defaults={"name": plan_slug.replace("-", " ").title()}
        )
        return organisation

    def _print(self, payload: dict, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json_dumps(payload))
            return
        if "error" in payload:
            self.stderr.write(payload["error"])
            return
        counts = ", ".join(f"{count} {outcome}" for outcome, count in payload["counts"].items())
        verb = "Imported" if payload["committed"] else "Not saved"
        self.stdout.write(f"{verb}: {payload['file']} ({payload['sheet']}): {counts}")
        for row in payload["rows"]:
            if row["outcome"] == "error":
                where = f"sheet “{row['sheet']}” row" if "sheet" in row else "row"
                self.stdout.write(f"  {where} {row['row']}: " + "; ".join(row["messages"]))
        for reason in payload["column_reasons"]:
            self.stdout.write(f"  column: {reason}")
        for warning in payload["warnings"]:
            self.stdout.write(f"  warning: {warning}")


def json_dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1)
