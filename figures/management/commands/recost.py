"""Work out and store every line's figures again: after a deploy that changes how lines
are costed, or for plans marked as recalculating (as after `migrate` on an installation
from before figures were stored)."""

from django.core.management.base import BaseCommand

from figures.models import PlanFigures
from figures.services import refigure_plan
from investplan.management.plan_address import (
    EVERY_PLAN_OF_THE_COUNCIL,
    add_council_argument,
    plans_named,
)


class Command(BaseCommand):
    help = "Recost plans and store their figures: one plan by its address, or every plan."

    def add_arguments(self, parser):
        parser.add_argument("plan", nargs="?", help="the plan's address (slug); all if left out")
        add_council_argument(parser, EVERY_PLAN_OF_THE_COUNCIL)
        parser.add_argument(
            "--waiting",
            action="store_true",
            help="only plans whose figures are waiting to be recalculated",
        )

    def handle(self, *args, plan=None, council=None, waiting=False, **options):
        plans = plans_named(plan, council=council)
        if waiting:
            plans = plans.filter(
                pk__in=[state.plan_id for state in PlanFigures.objects.all() if state.recalculating]
            )
        if not plans.exists():
            self.stdout.write("No plan is waiting for its figures." if waiting else "No plans.")
        for each in plans:
            lines = refigure_plan(plan=each)
            self.stdout.write(f"{each.name}: {lines} line{'s' if lines != 1 else ''} costed")
