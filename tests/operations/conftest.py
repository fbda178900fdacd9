from tests.e2e.conftest import council_plan  # noqa: F401 (the plan the process tests use)
