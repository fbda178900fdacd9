import json

from django.core.management.base import BaseCommand, CommandError

from investplan.council_file import CouncilFileError, import_council


class Command(BaseCommand):
    help = "Restore a council written by export_council into an empty installation."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file export_council wrote")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as file:
                document = json.load(file)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{path} is not a council file: it is not JSON.") from error
        if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
            raise CommandError(f"{path} is not an InvestPlan council file.")
        try:
            restored = import_council(document=document)
        except CouncilFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {restored.rows:,} rows of {restored.council.name}.")
