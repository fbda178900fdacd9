"""Imports go one way down (decision 0023): read from the source, so a cycle dodged by an
import inside a function, or a model reaching up into a service, fails here."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("investplan", "posts", "funding", "figures", "reports")
PROJECT = "config"  # settings, urls, wsgi: nothing in the apps imports them
FIRST_PARTY = (*APPS, PROJECT)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in FIRST_PARTY:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _target(name: str) -> str | None:
    known = modules()
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(path: Path):
    """(module imported, whether at the top level, line) for each first-party import."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in FIRST_PARTY:
                target = _target(name)
                if target is not None:
                    yield target, id(node) in top, node.lineno


def graph() -> dict[str, set[str]]:
    return {
        name: {target for target, at_top, _ in _imports(path) if at_top and target != name}
        for name, path in modules().items()
    }


def test_it_has_no_first_party_import_inside_a_function():
    hidden = [
        f"{name}:{line} imports {target}"
        for name, path in modules().items()
        for target, at_top, line in _imports(path)
        # An app's ready() registers its signal receivers and system checks (Django's way).
        if not at_top and not (name.endswith(".apps") and target.endswith((".signals", ".checks")))
    ]
    assert hidden == []


def test_it_has_no_import_cycle():
    edges = graph()
    cycles, state = [], {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(edges.get(name, ())):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_it_keeps_settings_urls_and_wsgi_out_of_the_apps():
    reaching_up = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        if name.split(".")[0] in APPS
        for target in targets
        if target.split(".")[0] == PROJECT
    ]
    assert reaching_up == []


def test_it_keeps_django_out_of_the_cost_engine():
    engine = ROOT / "figures" / "costs"
    impure = [
        f"{path.name} imports {alias}"
        for path in engine.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
        if alias.split(".")[0] in ("django", "djmoney", *FIRST_PARTY)
        and not alias.startswith("figures.costs")
    ]
    assert impure == []


def test_it_builds_models_only_on_models():
    allowed_below_models = {"figures.costs", "investplan.fields", "investplan.reading"}
    upward = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        if name.endswith(".models")
        for target in targets
        if not target.endswith(".models")
        and not any(target == ok or target.startswith(ok + ".") for ok in allowed_below_models)
    ]
    assert upward == []


def _loaded_by_the_urlconf(package: str) -> str:
    """The modules of `package` a server process holds once it has imported every view
    through the URLconf."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, django; django.setup(); import config.urls; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] == {package!r}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        cwd=ROOT,
    ).stdout.strip()


def test_it_loads_weasyprint_only_when_a_pdf_is_laid_out():
    # WeasyPrint's 280 modules are only the PDF writer's (reports.documents.write_pdf).
    assert _loaded_by_the_urlconf("weasyprint") == "[]"


def test_it_loads_pygal_only_when_a_chart_is_drawn():
    # pygal (with lxml's chart drawing) is only reports.charts.draw_svg's.
    assert _loaded_by_the_urlconf("pygal") == "[]"
