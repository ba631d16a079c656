"""docker-compose.yml, the Dockerfile and Procfile.demo agree with the code they run."""

import importlib
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app

from coach.middleware import HEALTH_PATH

ROOT = Path(__file__).resolve().parent.parent
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
SETTINGS_SOURCE = (ROOT / "coach" / "settings.py").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def read_procfile(path: Path) -> dict[str, str]:
    processes = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = command.strip()
    return processes


PROCFILE = read_procfile(ROOT / "Procfile.demo")
MODULE_ATTR = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def settings_env_names() -> set[str]:
    return set(
        re.findall(
            r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list)\(\s*["']([A-Z0-9_]+)["']""",
            SETTINGS_SOURCE,
        )
    ) | set(re.findall(r"""os\.environ\[\s*["']([A-Z0-9_]+)["']\s*\]""", SETTINGS_SOURCE))


def command_text(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return shlex.join(command) if isinstance(command, list) else command


def healthcheck_command(service: dict[str, Any]) -> str:
    test = service.get("healthcheck", {}).get("test", "")
    if isinstance(test, str):
        return test
    if test and test[0] == "CMD":
        return shlex.join(test[1:])
    if test and test[0] == "CMD-SHELL":
        return test[1]
    return ""


def tokens(command: str) -> list[str]:
    # `sh -c "a && b"`: split the inner script too.
    words = shlex.split(command)
    if len(words) >= 3 and words[0] in {"sh", "bash"} and words[1] == "-c":
        return words[:2] + shlex.split(words[2])
    return words


def module_targets(command: str) -> list[str]:
    return [word for word in tokens(command) if MODULE_ATTR.match(word)]


def celery_apps(command: str) -> list[str]:
    words = tokens(command)
    return [
        words[index + 1]
        for index, word in enumerate(words[:-1])
        if word in {"-A", "--app"} and "celery" in words[:index]
    ]


def runs_beat(command: str) -> bool:
    words = tokens(command)
    return "celery" in words and "beat" in words


def app_services() -> dict[str, dict[str, Any]]:
    """The services built from this repository (the ones that run the Django code)."""
    return {name: service for name, service in SERVICES.items() if "build" in service}


def dockerfile_cmd() -> list[str]:
    match = re.search(r"^CMD\s+(\[.*\])\s*$", DOCKERFILE, re.MULTILINE)
    assert match, "the Dockerfile has no exec-form CMD"
    return json.loads(match.group(1))


def assert_module_attr_imports(target: str) -> None:
    module_name, attr = target.split(":")
    module = importlib.import_module(module_name)
    assert hasattr(module, attr), f"{module_name} has no attribute {attr}"


def assert_celery_app(name: str) -> None:
    found = find_app(name)  # exactly what `celery -A name` does
    assert isinstance(found, Celery), f"`celery -A {name}` finds {found!r}, not a Celery app"


def test_the_stack_has_its_services():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(SERVICES)
    assert set(app_services()) == {"web", "worker", "beat"}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(name):
    healthcheck = SERVICES[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert healthcheck.get("test"), f"{name}'s healthcheck has no test"
    assert not healthcheck.get("disable", False)


def test_the_web_healthcheck_probes_the_health_endpoint():
    assert HEALTH_PATH in healthcheck_command(SERVICES["web"])


def test_app_services_wait_for_healthy_database_and_broker():
    for name, service in app_services().items():
        depends_on = service.get("depends_on", {})
        for dependency in ("postgres", "redis"):
            assert depends_on.get(dependency, {}).get("condition") == "service_healthy", (
                f"{name} does not wait for a healthy {dependency}"
            )


def test_named_volumes_are_declared_and_used():
    # given
    declared = set(COMPOSE.get("volumes") or {})
    used: set[str] = set()
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source and not source.startswith((".", "/", "~", "$")):
                used.add(source)

    # then
    assert declared, "no named volume is declared"
    assert used - declared == set(), "volumes used but not declared"
    assert declared - used == set(), "volumes declared but never used"
    for name in ("postgres", "redis"):
        assert SERVICES[name].get("volumes"), f"{name} keeps its data in no volume"


def test_exactly_one_beat_runs():
    # given
    beats = [name for name, service in SERVICES.items() if runs_beat(command_text(service))]

    # then
    assert beats == ["beat"]
    assert SERVICES["beat"].get("deploy", {}).get("replicas") == 1
    assert [name for name, command in PROCFILE.items() if runs_beat(command)] == ["beat"]


def test_the_beat_schedule_file_lives_on_the_beat_volume():
    words = tokens(command_text(SERVICES["beat"]))
    schedule_file = words[words.index("--schedule") + 1]
    mounts = [volume.split(":")[1] for volume in SERVICES["beat"].get("volumes", [])]
    assert any(schedule_file.startswith(mount.rstrip("/") + "/") for mount in mounts)


def test_web_migrates_then_serves_with_gunicorn():
    # given
    command = command_text(SERVICES["web"])
    words = tokens(command)

    # then
    assert "migrate" in words
    assert "gunicorn" in words
    assert words.index("migrate") < words.index("gunicorn")
    # `&&`: a failed migration stops the start instead of serving an old schema.
    between = words[words.index("migrate") : words.index("gunicorn")]
    assert "&&" in between


def test_compose_module_targets_import():
    # given
    targets = [
        target for service in SERVICES.values() for target in module_targets(command_text(service))
    ]

    # then
    assert "coach.wsgi:application" in targets
    for target in targets:
        assert_module_attr_imports(target)


def test_compose_celery_apps_import():
    # given
    commands = [command_text(service) for service in SERVICES.values()]
    commands += [healthcheck_command(service) for service in SERVICES.values()]
    apps = [name for command in commands for name in celery_apps(command)]

    # then
    assert "coach" in apps
    for name in apps:
        assert_celery_app(name)


def test_worker_and_beat_run_the_project_app():
    for name in ("worker", "beat"):
        assert celery_apps(command_text(SERVICES[name])) == ["coach"], name


def test_app_services_set_only_variables_the_settings_read():
    # given
    read = settings_env_names()

    # then
    for name, service in app_services().items():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        unknown = set(environment) - read
        assert unknown == set(), f"{name} sets variables coach/settings.py never reads"


def test_app_services_set_the_variables_production_needs():
    needed = {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
    for name, service in app_services().items():
        environment = service.get("environment") or {}
        assert needed <= set(environment), f"{name} misses {needed - set(environment)}"
        assert str(environment["DEBUG"]).endswith("false}"), "DEBUG must default to false"


def test_dockerfile_cmd_target_imports():
    # given
    command = dockerfile_cmd()
    targets = [word for word in command if MODULE_ATTR.match(word)]

    # then
    assert command[0] == "gunicorn"
    assert targets == ["coach.wsgi:application"]
    for target in targets:
        assert_module_attr_imports(target)


def test_dockerfile_env_is_read_by_the_settings():
    # given
    env_lines = re.findall(r"^ENV\s+(.+)$", DOCKERFILE, re.MULTILINE)
    names = {word.split("=")[0] for line in env_lines for word in shlex.split(line)}

    # then
    django_names = {name for name in names if not name.startswith("PYTHON")}
    assert django_names <= settings_env_names()


def test_procfile_targets_import():
    # given
    assert {"web", "worker", "beat"} <= set(PROCFILE)

    # then
    for name, command in PROCFILE.items():
        for target in module_targets(command):
            assert_module_attr_imports(target)
        for app_name in celery_apps(command):
            assert_celery_app(app_name)
        if "manage.py" in tokens(command):
            assert (ROOT / "manage.py").is_file(), name
    assert celery_apps(PROCFILE["worker"]) == ["coach"]
    assert celery_apps(PROCFILE["beat"]) == ["coach"]
