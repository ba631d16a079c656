"""The settings read the environment only: safe in production, runnable with nothing set.

Each environment case runs `manage.py` in a subprocess, because coach.settings is read once per
process. VAR_DIR points at a tmp_path so no case touches the repository's var/.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

import coach.settings as production_settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SOURCE = (ROOT / "coach" / "settings.py").read_text()
MARKER = "SETTINGS-JSON:"
DUMP_SETTINGS = f"""
import json
from django.conf import settings as s
from coach.celery import app
print({MARKER!r} + json.dumps({{
    "database": {{k: s.DATABASES["default"].get(k) for k in ("ENGINE", "NAME", "HOST", "PORT",
                  "USER", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}},
    "broker_url": s.CELERY_BROKER_URL,
    "app_broker_url": app.conf.broker_url,
    "broker_transport_options": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "email_backend": s.EMAIL_BACKEND,
    "debug": s.DEBUG,
    "allowed_hosts": s.ALLOWED_HOSTS,
    "staticfiles_backend": s.STORAGES["staticfiles"]["BACKEND"],
    "secure_ssl_redirect": s.SECURE_SSL_REDIRECT,
}}))
"""

# Every variable the settings read, plus the ones the brief names, so the parent's environment
# (pytest-env sets SECRET_KEY, SECURE_SSL_REDIRECT, ...) cannot leak into a case.
READ_BY_SETTINGS = set(
    re.findall(
        r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list)\(\s*["']([A-Z0-9_]+)["']""",
        SETTINGS_SOURCE,
    )
)
ALWAYS_REMOVED = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "STATIC_MANIFEST",
    "EMAIL_BACKEND",
}


def clean_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ALWAYS_REMOVED | READ_BY_SETTINGS
        and not name.startswith(("SECURE_", "EMAIL_", "CELERY_"))
        and not name.endswith("_COOKIE_SECURE")
    }
    env["VAR_DIR"] = str(tmp_path / "var")
    env.update(overrides)
    return env


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=clean_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def dump_settings(tmp_path: Path, **env: str) -> dict:
    result = manage(tmp_path, "shell", "-c", DUMP_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0].removeprefix(MARKER))


def test_the_settings_reader_finds_the_variables():
    # A broken regex would silently make clean_env keep the parent's variables.
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS"} <= (
        READ_BY_SETTINGS
    )


@pytest.mark.parametrize("debug", [None, "", "false", "0"], ids=["unset", "empty", "false", "0"])
def test_without_secret_key_and_debug_off_the_settings_refuse_to_load(tmp_path, debug):
    # given
    env = {} if debug is None else {"DEBUG": debug}

    # when
    result = manage(tmp_path, "check", **env)

    # then
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_production_configuration_passes_the_deploy_checks_without_warnings(tmp_path):
    # given
    secret_key = secrets.token_urlsafe(45)  # 60 characters
    assert len(secret_key) == 60

    # when
    result = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="example.com",
    )

    # then
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output
    assert "WARNINGS" not in output
    assert "?: (security." not in output


def test_with_only_debug_on_the_embedded_defaults_are_in_force(tmp_path):
    # when
    values = dump_settings(tmp_path, DEBUG="true")

    # then
    var_dir = tmp_path / "var"
    assert values["debug"] is True
    assert values["database"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["database"]["NAME"] == str(var_dir / "db.sqlite3")
    assert values["broker_url"].startswith("filesystem://")
    assert values["app_broker_url"] == values["broker_url"]
    assert values["broker_transport_options"]["data_folder_in"] == str(var_dir / "celery" / "queue")
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert set(values["allowed_hosts"]) == {"localhost", "127.0.0.1", "[::1]"}
    assert values["staticfiles_backend"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert values["secure_ssl_redirect"] is False
    # The settings create the folders the filesystem broker needs, under VAR_DIR only.
    assert (var_dir / "celery" / "queue").is_dir()
    assert (var_dir / "celery" / "processed").is_dir()


def test_database_and_broker_urls_come_from_the_environment(tmp_path):
    # when
    values = dump_settings(
        tmp_path,
        DEBUG="true",
        DATABASE_URL="postgres://u:p@db:5432/x",
        CELERY_BROKER_URL="redis://r:6379/0",
    )

    # then
    database = values["database"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "db",
        5432,
        "x",
        "u",
    )
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert values["broker_url"] == "redis://r:6379/0"
    assert values["app_broker_url"] == "redis://r:6379/0"
    assert "data_folder_in" not in values["broker_transport_options"]
    assert values["broker_transport_options"]["visibility_timeout"] > 0


def test_production_debug_off_defaults_are_secure(tmp_path):
    # when
    values = dump_settings(tmp_path, SECRET_KEY=secrets.token_urlsafe(45))

    # then
    assert values["debug"] is False
    assert values["allowed_hosts"] == []
    assert values["secure_ssl_redirect"] is True
    assert values["staticfiles_backend"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_passwords_are_hashed_with_argon2_in_production():
    # The autouse fixture in conftest.py swaps the hashers for speed; the module keeps the truth.
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert production_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    # argon2-cffi is installed, so the hasher actually works.
    encoded = Argon2PasswordHasher().encode("correct-horse", "saltsaltsalt")
    assert encoded.startswith("argon2$")


def test_users_are_coach_users_identified_by_email():
    assert production_settings.AUTH_USER_MODEL == "coach.User"
    user_model = get_user_model()
    assert user_model._meta.label == "coach.User"
    assert user_model.USERNAME_FIELD == "email"


def test_failed_logins_are_locked_out_by_axes():
    assert "axes" in production_settings.INSTALLED_APPS
    assert production_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert production_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert isinstance(production_settings.AXES_FAILURE_LIMIT, int)
    assert production_settings.AXES_FAILURE_LIMIT > 0
    assert isinstance(production_settings.AXES_COOLOFF_TIME, timedelta)
    assert production_settings.AXES_COOLOFF_TIME.total_seconds() > 0


def test_sessions_live_in_the_shared_cache_backed_by_the_database() -> None:
    from django.conf import settings

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    backend = settings.CACHES["default"]["BACKEND"]
    # never a per-process memory cache: every worker must see the same sessions and plans
    assert "locmem" not in backend
    assert backend.endswith(("DatabaseCache", "RedisCache"))


def test_cache_url_chooses_redis(monkeypatch) -> None:
    import importlib

    import coach.settings as settings_module

    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/1")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.CACHES["default"]["BACKEND"].endswith("RedisCache")
        assert reloaded.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
    finally:
        monkeypatch.delenv("CACHE_URL")
        importlib.reload(settings_module)
