"""The committed OpenAPI schema (coach/openapi.yaml) is the one the code generates.

Tools built on the API read the committed file; a change to the API that is not regenerated into
it would leave them with a contract the server no longer keeps.
"""

import difflib
import io
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

COMMITTED = Path(settings.BASE_DIR) / "coach" / "openapi.yaml"


@pytest.fixture
def generated() -> str:
    GENERATOR_STATS.reset()
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


def test_the_committed_schema_is_the_generated_one(generated):
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""

    if committed.strip() != generated.strip():
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    generated.splitlines(keepends=True),
                    "coach/openapi.yaml (committed)",
                    "generated from the code",
                )
            )[:80]
        )
        pytest.fail(
            "The API changed but coach/openapi.yaml did not: run make schema and commit the "
            f"result.\n{diff}",
            pytrace=False,
        )


def test_every_operation_has_a_summary_bodies_with_examples_and_its_errors(generated):
    schema = yaml.safe_load(generated)
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            if not operation.get("summary"):
                missing.append(f"{name}: no summary")
            responses = operation["responses"]
            if not any(code.startswith("2") for code in responses):
                missing.append(f"{name}: no success response")
            if "401" not in responses:
                missing.append(f"{name}: no 401")
            if "{" in path and "404" not in responses:
                missing.append(f"{name}: no 404")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None and "examples" not in body:
                missing.append(f"{name}: request body without an example")
            for code, response in responses.items():
                content = response.get("content", {}).get("application/json")
                if code.startswith("2") and content is not None and "examples" not in content:
                    missing.append(f"{name}: {code} without an example")
                if code >= "400" and content is not None:
                    assert content["schema"] == {"$ref": "#/components/schemas/Error"}, name

    assert missing == []


def test_the_error_shape_is_one_component():
    error = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))["components"]["schemas"]["Error"]

    assert set(error["required"]) == {"code", "message", "fields"}
    assert error["properties"]["fields"]["type"] == "object"
    # One flat shape: each input (named by its dotted path) with a list of messages.
    messages = error["properties"]["fields"]["additionalProperties"]
    assert messages == {"type": "array", "items": {"type": "string"}}
