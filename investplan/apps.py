from django.apps import AppConfig


class InvestPlanConfig(AppConfig):
    name = "investplan"
    verbose_name = "Plans"

    def ready(self):
        from investplan import signals, signing_in  # noqa: F401  (receivers, checks)
