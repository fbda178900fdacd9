"""`manage.py health`: what `/healthz` answers, for a container's health check or a cron
job; exits 1 when something is wrong."""

import json

from django.core.management.base import BaseCommand, CommandError

from investplan.health import report


class Command(BaseCommand):
    help = "Check the database is reached and the task worker runs tasks (as /healthz does)."

    def handle(self, *args, **options):
        said = report()
        self.stdout.write(json.dumps(said))
        if said["status"] != "ok":
            raise CommandError(
                "; ".join(
                    f"{part}: {said[part]}" for part in ("database", "worker") if said[part] != "ok"
                )
            )
