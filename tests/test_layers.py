"""Dependencies point one way: coach ← exercises ← programs ← training ← reminders.

An app may import the apps below it, never those above. The site's wiring (root URLs, the API
router, settings, the Celery app) is the one place the base app names the others.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["coach", "exercises", "programs", "training", "reminders"]
WIRING = {"coach/urls.py", "coach/api_urls.py", "coach/settings.py", "coach/celery.py"}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


def _upward_imports() -> list[str]:
    found = []
    for level, app in enumerate(LAYERS):
        above = set(LAYERS[level + 1 :])
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in WIRING or "/migrations/" in relative:
                continue
            for name in sorted(_imported_apps(path) & above):
                found.append(f"{relative} imports {name}")
    return found


def test_no_app_imports_an_app_above_it() -> None:
    assert _upward_imports() == []


@pytest.mark.parametrize("app", LAYERS)
def test_every_layer_is_a_package_with_code(app: str) -> None:
    # The check above would pass vacuously if an app moved or was renamed.
    assert len(list((ROOT / app).rglob("*.py"))) > 3
