"""Prove the stored figures on a live database: every line's stored figures against a
fresh costing of it; any line that differs is named, and the command fails."""

from django.core.management.base import BaseCommand, CommandError

from figures.checks import differences
from investplan.management.plan_address import add_council_argument, council_named, plan_at
from investplan.models import Plan


class Command(BaseCommand):
    help = "Check every line's stored figures against a fresh costing; name any that differ."

    def add_arguments(self, parser):
        parser.add_argument("plan", nargs="?", help="the plan's address (slug); all if left out")
        add_council_argument(
            parser,
            "the council (its slug) whose plan it is, when several councils have one at the "
            "address; with no plan named, every plan of the council",
        )

    def handle(self, *args, plan=None, council=None, **options):
        plans = Plan.objects.order_by("pk")
        if plan:
            found = plan_at(plan, council=council)
            if found is None:
                raise CommandError(f"There is no plan at {plan!r}.")
            plans = plans.filter(pk=found.pk)
        elif council:
            plans = plans.filter(organisation=council_named(council))
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
