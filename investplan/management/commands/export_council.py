import json

from django.core.management.base import BaseCommand, CommandError

from investplan.council_file import export_council
from investplan.models import Organisation


class Command(BaseCommand):
    help = (
        "Write every plan, line, allocation, finding, assumption, reference table, figure "
        "and history record of one council to one JSON file."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the council's short name, as in its addresses")
        parser.add_argument(
            "--output", "-o", help="the file to write (default: SLUG.investplan.json)"
        )

    def handle(self, *args, slug, output, **options):
        council = Organisation.objects.filter(slug=slug).first()
        if council is None:
            raise CommandError(f"No council here has the short name {slug!r}.")
        document = export_council(council=council)
        path = output or f"{slug}.investplan.json"
        with open(path, "w", encoding="utf-8") as file:
            json.dump(document, file, ensure_ascii=False)
        rows = sum(len(table) for table in document["tables"].values())
        self.stdout.write(f"Wrote {rows:,} rows of {council.name} to {path}.")
