"""Plans made before figures were stored have none yet: each is marked as recalculating
until `manage.py recost` (run after `migrate`, as `make run` and the deploy notes do)
works its figures out."""

from django.db import migrations


def mark_every_plan(apps, schema_editor):
    Plan = apps.get_model("investplan", "Plan")
    PlanFigures = apps.get_model("figures", "PlanFigures")
    PlanFigures.objects.bulk_create(
        PlanFigures(plan_id=plan_id, wanted=1, done=0)
        for plan_id in Plan.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [("figures", "0001_stored_figures")]

    operations = [migrations.RunPython(mark_every_plan, migrations.RunPython.noop)]
