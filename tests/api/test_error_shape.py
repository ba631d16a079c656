"""Every error under /api/ has the one shape `{"code", "message", "fields"}` with a code a
program can read, also those Django answers itself: an unknown address, a body too large or with
too many fields, a body that is not JSON or not of a type the API reads, a method the resource
does not have, and a bad `ordering`."""

import json
from typing import Any

import pytest
from django.test import Client

from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients/"


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert_error_shape(body)
    assert body["code"] == code
    return body


def test_an_unknown_address_under_the_api_is_a_json_404(api: Client) -> None:
    error(api.get("/api/v1/no-such-thing/"), 404, "not_found")
    error(api.get("/api/nothing-here"), 404, "not_found")


def test_a_page_outside_the_api_keeps_its_own_404(api: Client) -> None:
    response = api.get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_too_many_fields_is_a_400_naming_the_reason(api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    form = "&".join(f"f{n}=x" for n in range(50))

    response = api.post(CLIENTS, form, content_type="application/x-www-form-urlencoded")

    error(response, 400, "too_many_fields")


def test_a_body_over_the_size_limit_is_a_413(api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "A" * 5000, "email": "a@example.com"})

    response = api.post(CLIENTS, body, content_type="application/json")

    error(response, 413, "request_too_large")


def test_a_form_over_the_size_limit_is_a_413(api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api.post(
        CLIENTS, "name=" + "A" * 5000, content_type="application/x-www-form-urlencoded"
    )

    error(response, 413, "request_too_large")


def test_malformed_json_is_a_parse_error(api: Client) -> None:
    response = api.post(CLIENTS, '{"name": "Ann",', content_type="application/json")

    error(response, 400, "parse_error")


def test_a_body_of_another_media_type_is_a_415(api: Client) -> None:
    response = api.post(CLIENTS, "<client/>", content_type="application/xml")

    body = error(response, 415, "unsupported_media_type")
    assert "application/xml" in body["message"]


def test_a_method_the_resource_does_not_have_is_a_405(api: Client) -> None:
    response = api.delete(CLIENTS)

    error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_ordering_by_a_field_not_offered_is_a_400_naming_the_choices(api: Client) -> None:
    response = api.get(CLIENTS, {"ordering": "email"})

    body = error(response, 400, "invalid_ordering")
    assert body["fields"] == {
        "ordering": ["Order by one of: created_at, id, name, updated_at (prefix - to reverse)."]
    }


def test_an_anonymous_request_is_a_401_in_the_same_shape() -> None:
    response = Client().get(CLIENTS)

    error(response, 401, "not_authenticated")
    assert response.has_header("WWW-Authenticate")
