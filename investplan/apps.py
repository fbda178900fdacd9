from django.apps import AppConfig


class InvestPlanConfig(AppConfig):
    name = "investplan"
    verbose_name = "Plans"
