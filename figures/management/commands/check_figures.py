"""Prove the stored figures on a live database: every line's stored figures against a
fresh costing of it; any line that differs is named, and the command fails."""

from django.core.management.base import BaseCommand, CommandError

from figures.checks import differences
from investplan.management.plan_address import (
    EVERY_PLAN_OF_THE_COUNCIL,
    add_council_argument,
    plans_named,
)


class Command(BaseCommand):
    help = "Check every line's stored figures against a fresh costing; name any that differ."

    def add_arguments(self, parser):
        parser.add_argument("plan", nargs="?", help="the plan's address (slug); all if left out")
        add_council_argument(parser, EVERY_PLAN_OF_THE_COUNCIL)

    def handle(self, *args, plan=None, council=None, **options):
        plans = plans_named(plan, council=council)
        failed = 0
        for each in plans:
            found = differences(each)
            if found:
                failed += 1
                self.stdout.write(f"{each.name} ({each.slug}):")
                for difference in found:
                    self.stdout.write(f"  {difference}")
            else:
                self.stdout.write(f"{each.name}: every line's figures are as costed")
        if failed:
            raise CommandError(
                f"{failed} plan{'s' if failed != 1 else ''} with figures that differ"
            )
