"""The in-year forecast's agency cover is stored with each line's year figures. Plans with a
post covered by agency staff are marked as recalculating until `manage.py recost --waiting`
(run after `migrate`, as `make run` and the deploy notes do) stores it; no other plan has
any cover to store."""

import djmoney.models.fields
import djmoney.money
from django.db import migrations
from django.db.models import F


def mark_plans_with_agency_cover(apps, schema_editor):
    PlanLine = apps.get_model("posts", "PlanLine")
    PlanFigures = apps.get_model("figures", "PlanFigures")
    plan_ids = set(
        PlanLine.objects.filter(kind="new_post", agency_cover=True).values_list(
            "plan_id", flat=True
        )
    )
    known = set(PlanFigures.objects.filter(plan_id__in=plan_ids).values_list("plan_id", flat=True))
    PlanFigures.objects.filter(plan_id__in=known).update(wanted=F("wanted") + 1)
    PlanFigures.objects.bulk_create(
        PlanFigures(plan_id=plan_id, wanted=1, done=0) for plan_id in sorted(plan_ids - known)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0003_figure_rows_without_redundant_indexes"),
        ("posts", "0010_spine_salary_checked_as_money"),
    ]

    operations = [
        migrations.AddField(
            model_name="lineyearfigure",
            name="agency_cover_in_pounds",
            field=djmoney.models.fields.MoneyField(
                currency_choices=[("GBP", "Pound sterling")],
                decimal_places=2,
                default=djmoney.money.Money(0, "GBP"),
                max_digits=16,
                verbose_name="agency cover until filled, in whole pounds",
            ),
        ),
        migrations.AddField(
            model_name="lineyearfigure",
            name="agency_cover_in_pounds_currency",
            field=djmoney.models.fields.CurrencyField(
                choices=[("GBP", "Pound sterling")], default="GBP", editable=False, max_length=3
            ),
        ),
        migrations.RunPython(mark_plans_with_agency_cover, migrations.RunPython.noop),
    ]
