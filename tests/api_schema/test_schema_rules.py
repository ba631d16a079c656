"""What the schema says about the API as a whole: examples that fit their schemas, plain arrays
where a list is not paginated, the conditional-request headers, and fields typed as the API
writes them."""

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from django.conf import settings

SCHEMA = yaml.safe_load(
    (Path(settings.BASE_DIR) / "coach" / "openapi.yaml").read_text(encoding="utf-8")
)
COMPONENTS = SCHEMA["components"]["schemas"]


def _json_schema(node: Any, *, request: bool = False) -> Any:
    """OpenAPI 3.0's schema dialect as JSON Schema: `nullable` becomes a null alternative, and
    in a request a read-only property is never required (it is not sent)."""
    if isinstance(node, list):
        return [_json_schema(item, request=request) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: _json_schema(value, request=request)
        for key, value in node.items()
        if key != "nullable"
    }
    if request and "required" in node:
        properties = node.get("properties", {})
        converted["required"] = [
            name for name in node["required"] if not properties.get(name, {}).get("readOnly")
        ]
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _validator(schema: dict[str, Any], *, request: bool = False) -> jsonschema.Draft7Validator:
    root = {
        **_json_schema(schema, request=request),
        "components": {"schemas": _json_schema(COMPONENTS, request=request)},
    }
    return jsonschema.Draft7Validator(root, format_checker=jsonschema.FormatChecker())


def _examples() -> list[tuple[str, dict[str, Any], Any]]:
    found = []
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(code, response) for code, response in operation["responses"].items()]
            for where, body in bodies:
                content = body.get("content", {}).get("application/json")
                if not content or "schema" not in content:
                    continue
                for name, example in content.get("examples", {}).items():
                    label = f"{method.upper()} {path} {where} {name}"
                    found.append((label, content["schema"], example["value"]))
    return found


def test_every_example_fits_its_schema():
    examples = _examples()
    misfits = [
        f"{label}: {error.message}"
        for label, schema, value in examples
        for error in _validator(schema, request=" request " in label).iter_errors(value)
    ]

    assert len(examples) > 150
    assert misfits == []


def _operation(method: str, path: str) -> dict[str, Any]:
    return SCHEMA["paths"][path][method]


def _success_schema(method: str, path: str) -> dict[str, Any]:
    responses = _operation(method, path)["responses"]
    code = min(code for code in responses if code.startswith("2"))
    return responses[code]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/clients/{id}/stages/"),
        ("get", "/api/v1/programs/{id}/warnings/"),
        ("post", "/api/v1/program-days/{id}/duplicate/"),
    ],
)
def test_lists_that_are_not_paginated_are_plain_arrays(method, path):
    operation = _operation(method, path)

    assert _success_schema(method, path)["type"] == "array"
    assert {p["name"] for p in operation.get("parameters", [])} & {"page", "ordering"} == set()


def test_paginated_lists_are_pages_of_rows():
    page = _success_schema("get", "/api/v1/clients/")["$ref"].rsplit("/", 1)[-1]

    assert set(COMPONENTS[page]["properties"]) == {"count", "next", "previous", "results"}
    assert "page" in {p["name"] for p in _operation("get", "/api/v1/clients/")["parameters"]}


def test_a_detail_read_is_conditional_and_a_write_checks_its_version():
    read = _operation("get", "/api/v1/clients/{id}/")
    write = _operation("patch", "/api/v1/clients/{id}/")

    assert "If-None-Match" in {p["name"] for p in read["parameters"]}
    assert "304" in read["responses"]
    assert "ETag" in read["responses"]["200"]["headers"]
    assert "If-Match" in {p["name"] for p in write["parameters"]}
    assert write["responses"]["412"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_answers_drawn_by_other_views_are_not_said_to_be_conditional():
    plan = _operation("get", "/api/v1/clients/{id}/plan/")

    assert "If-None-Match" not in {p["name"] for p in plan["parameters"]}
    assert "304" not in plan["responses"]


def test_a_refused_token_is_told_how_to_authenticate():
    for operations in SCHEMA["paths"].values():
        for operation in operations.values():
            assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]


def test_a_time_of_day_is_typed_as_the_api_writes_it():
    reminder_time = COMPONENTS["Client"]["properties"]["reminder_time"]

    assert re.match(reminder_time["pattern"], "07:30:00")
    assert re.match(reminder_time["pattern"], "07:30")
    assert not re.match(reminder_time["pattern"], "25:00:00")


def test_an_optional_link_may_be_empty():
    video_url = COMPONENTS["SessionLog"]["properties"]["video_url"]

    assert list(_validator(video_url).iter_errors("")) == []
    assert list(_validator(video_url).iter_errors("https://example.com/v/1")) == []
