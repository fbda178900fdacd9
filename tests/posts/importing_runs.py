"""How the import tests run the importer: in Python and as the `import_appendix` command."""

import io
import json

from django.core.management import call_command

from posts.importing import import_appendix
from tests.factories import OrganisationFactory


def run(data, name="appendix.xlsx", plan_slug="imported", organisation=None, **options):
    organisation = organisation or OrganisationFactory()
    return import_appendix(
        organisation=organisation, plan_slug=plan_slug, file_name=name, data=data, **options
    )


def command(*args) -> tuple[int, dict]:
    """The command's exit code and its JSON report."""
    out = io.StringIO()
    try:
        call_command("import_appendix", *args, "--json", stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())
