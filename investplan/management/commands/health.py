"""`manage.py health`: what `/healthz` answers, for a container's health check or a cron
job; exits 1 when something is wrong."""

import json

from django.core.management.base import BaseCommand, CommandError

from investplan.health import problems


class Command(BaseCommand):
    help = "Check the database is reached and the task worker runs tasks (as /healthz does)."

    def handle(self, *args, **options):
        found = problems()
        self.stdout.write(json.dumps({"status": "failing" if found else "ok", **found}))
        if found:
            raise CommandError("; ".join(f"{part}: {problem}" for part, problem in found.items()))
