import pytest
from django.core.management import call_command

from figures.services import refigure_plan
from investplan.models import Plan


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    for plan in Plan.objects.all():
        refigure_plan(plan=plan)
    return Plan.objects.select_related("organisation").get(slug="middlesbrough-2020")
