"""The security headers: the same set on every response, pages, the API, static files, errors
and the health check alike."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
)


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def security_headers(response) -> dict[str, str]:
    return {name: response.headers.get(name) for name in HEADERS}


@pytest.fixture
def page_headers(client, db) -> dict[str, str]:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    return security_headers(response)


def test_pages_forbid_inline_scripts_framing_and_plugins(page_headers):
    policy = directives(page_headers["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert page_headers["X-Frame-Options"] == "DENY"
    assert page_headers["X-Content-Type-Options"] == "nosniff"
    assert page_headers["Referrer-Policy"] == "same-origin"


def test_devices_are_off_but_today_may_keep_the_screen_awake(page_headers):
    features = dict(
        re.findall(r"([a-z-]+)=\(([^)]*)\)(?:, |$)", page_headers["Permissions-Policy"])
    )

    assert features["camera"] == ""
    assert features["microphone"] == ""
    assert features["geolocation"] == ""
    assert features["payment"] == ""
    assert features["usb"] == ""
    assert features["screen-wake-lock"] == "self"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/healthz/"),
        ("get", "/"),
        ("get", "/dashboard/"),  # a redirect to the login
        ("get", "/no/such/page/"),  # 404
        ("get", "/api/v1/exercises/"),  # 401
        ("post", "/accounts/login/"),  # the form again, with its messages
    ],
)
def test_every_response_carries_the_same_headers(client, page_headers, method, path):
    response = getattr(client, method)(path)

    assert security_headers(response) == page_headers, path


def test_the_health_check_carries_them_also_when_the_database_is_down(
    client, page_headers, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionError("database down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/healthz/")

    assert response.status_code == 503
    assert security_headers(response) == page_headers


def test_static_files_carry_them_too(settings, page_headers):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True

    response = Client().get("/static/js/site.js")

    assert response.status_code == 200
    assert security_headers(response) == page_headers


@pytest.mark.parametrize("path", ["/healthz/", "/accounts/login/"])
def test_hsts_is_sent_over_https_on_every_response(client, db, settings, path):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get(path, secure=True)

    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_the_health_check_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_the_api_docs_allow_inline_styles_but_never_inline_scripts(coach_client):
    response = coach_client.get("/api/docs/")

    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert b"<script>" not in response.content


def test_no_template_has_an_inline_script_or_handler():
    root = Path(__file__).resolve().parents[2] / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)
    found = [
        f"{path.relative_to(root)}: {match.group(0).strip()}"
        for path in root.rglob("*.html")
        if not path.is_relative_to(root / "emails")
        for match in inline.finditer(path.read_text())
    ]

    assert not found, found
