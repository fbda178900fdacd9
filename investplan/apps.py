from django.apps import AppConfig


class InvestPlanConfig(AppConfig):
    name = "investplan"
    verbose_name = "Plans"

    def ready(self):
        from investplan import checks, signals  # noqa: F401  (checks and receivers, registered)
