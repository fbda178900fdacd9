"""deploy/compose.yaml gives every container the settings production needs behind the
council's proxy (read as text: the shared environment block, which the app, the worker and
the migrate service all take)."""

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def shared_environment() -> dict[str, str]:
    text = (DEPLOY / "compose.yaml").read_text()
    block = text.split("environment: &environment\n", 1)[1].split("\n  depends_on:", 1)[0]
    return dict(re.findall(r"^    (\w+): (.+)$", block, flags=re.MULTILINE))


def test_it_trusts_the_one_proxy_in_front_of_compose_by_default():
    assert shared_environment()["DJANGO_TRUSTED_PROXIES"] == "${DJANGO_TRUSTED_PROXIES:-1}"


def test_it_gives_compose_the_smtp_relay_that_sends_invitations_and_resets():
    environment = shared_environment()

    assert environment["DJANGO_EMAIL_HOST"].startswith("${DJANGO_EMAIL_HOST:?")
    assert environment["DJANGO_DEFAULT_FROM_EMAIL"].startswith("${DJANGO_DEFAULT_FROM_EMAIL:?")


def test_it_sets_in_the_example_env_every_value_compose_requires():
    required = re.findall(r"\$\{(\w+):\?", (DEPLOY / "compose.yaml").read_text())
    example = dict(
        line.split("=", 1)
        for line in (DEPLOY / "example.env").read_text().splitlines()
        if line and not line.startswith("#")
    )

    assert set(required) <= set(example)
